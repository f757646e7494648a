// Short-lived notices (command results from lists, saves, errors).
import { create } from 'zustand';
import type { Tone } from '../lib/status.ts';

export interface Toast {
  id: number;
  tone: Tone;
  text: string;
}

interface ToastState {
  toasts: Toast[];
  push(tone: Tone, text: string, ttlMs?: number): void;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(tone, text, ttlMs = 6000) {
    const id = nextId++;
    // At most five on screen: a burst of results must not cover the work area.
    set({ toasts: [...get().toasts.slice(-4), { id, tone, text }] });
    setTimeout(() => get().dismiss(id), ttlMs);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));
