// Alarm list and banner views live in src-shared (the UI uses them too).
export * from '../../src-shared/alarms/views.ts';
