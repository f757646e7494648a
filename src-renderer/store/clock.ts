// A coarse shared clock for values that age on screen (the time charging on the ground plan):
// one timer for the whole page, and only the components that select it re-render.
import { create } from 'zustand';

const TICK_MS = 30_000;

export const useMinuteClock = create<{ now: number }>(() => ({ now: Date.now() }));

if (typeof window !== 'undefined') window.setInterval(() => useMinuteClock.setState({ now: Date.now() }), TICK_MS);
