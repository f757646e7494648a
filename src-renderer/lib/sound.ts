// The audible alarm alert: a short synthesised tone (WebAudio, no audio file to ship or load).
// Browsers start an AudioContext suspended until the user interacts with the page, so the
// context is created and resumed from a click (the toggle) or the first key/pointer press.
import type { AlarmSeverity } from '../../src-shared/alarms/types.ts';

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor = window.AudioContext as typeof AudioContext | undefined;
  if (!Ctor) return null;
  try {
    context = new Ctor();
  } catch {
    return null;
  }
  return context;
}

/** Creates/resumes the audio context; call from a user gesture. */
export function primeAudio(): void {
  const ctx = audio();
  if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
}

/** Resumes the context at the first interaction with the page (the preference survives reloads). */
export function primeAudioOnFirstGesture(): () => void {
  const prime = () => {
    primeAudio();
    remove();
  };
  const remove = () => {
    window.removeEventListener('pointerdown', prime, true);
    window.removeEventListener('keydown', prime, true);
  };
  window.addEventListener('pointerdown', prime, true);
  window.addEventListener('keydown', prime, true);
  return remove;
}

/** Critical: three high pulses; major: two lower ones. Returns false when no sound could be made. */
export function playAlarmTone(severity: AlarmSeverity): boolean {
  const ctx = audio();
  if (!ctx) return false;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  const critical = severity === 'critical';
  const pulses = critical ? 3 : 2;
  const frequency = critical ? 1046 : 784;
  const start = ctx.currentTime + 0.02;
  for (let i = 0; i < pulses; i++) {
    const t0 = start + i * 0.22;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(0.12, t0 + 0.01);
    gain.gain.setValueAtTime(0.12, t0 + 0.14);
    gain.gain.linearRampToValueAtTime(0, t0 + 0.16);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + 0.18);
  }
  return true;
}
