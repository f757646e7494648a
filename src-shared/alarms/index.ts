// Alarm model shared by the main process (engine) and the UI (banner, list).
export * from './types.ts';
export * from './views.ts';
