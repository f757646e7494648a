// Public face of the OCPP central system.
export { CentralSystem, SUPPORTED_PROTOCOLS, commandFailure } from './server.ts';
export type { CentralSystemOptions } from './server.ts';
export type { CentralSystemServices } from './types.ts';
export { RpcError, StationCallError, StationOfflineError, CallTimeoutError, ERROR_CODES } from './errors.ts';
export { payloadValidator } from './validation.ts';
export { FrameTap, FrameWatches } from './frame-tap.ts';
export { maskFrameSecrets, maskPayloadSecrets } from './secrets.ts';
