// Alarm types live in src-shared (the UI shows them); re-exported for the engine's modules.
export * from '../../src-shared/alarms/types.ts';
