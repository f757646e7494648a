// Alarm model shared by the main process (engine) and the UI (banner, list).
export * from './types.ts';
export * from './views.ts';
export * from './editor.ts';
export * from './rule-check.ts';
