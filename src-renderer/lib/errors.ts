// Turns API failures into operator-readable text in the current language.
import type { TFunction } from 'i18next';
import { ApiError } from '../../src-shared/api/index.ts';
import { NotConnectedError } from '../api/types.ts';

export function describeError(error: unknown, t: TFunction): string {
  if (error instanceof NotConnectedError) return t('errors.notConnected');
  if (error instanceof ApiError) return `${t(`errors.${error.code}`)}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
