// Secrets that travel in OCPP frames and must not reach the station page's message log: the
// 1.6 AuthorizationKey (ChangeConfiguration, GetConfiguration answers) and the 2.0.1 basic-auth
// password (SetVariables / GetVariables / NotifyReport of SecurityCtrlr.BasicAuthPassword).
// Frames are shown to every signed-in role, so the values are replaced before they leave.

export const MASK = '••••••';

/** 1.6 configuration keys whose value is a secret. */
const SECRET_KEYS = new Set(['authorizationkey']);
/** 2.0.1 variables whose value is a secret. */
const SECRET_VARIABLES = new Set(['basicauthpassword']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function variableName(node: Record<string, unknown>): string | null {
  const variable = node.variable;
  return isObject(variable) && typeof variable.name === 'string' ? variable.name.toLowerCase() : null;
}

/** Masks secret values in a parsed payload in place; true when something was masked. */
function maskNode(node: unknown): boolean {
  if (Array.isArray(node)) return node.reduce<boolean>((masked, item) => maskNode(item) || masked, false);
  if (!isObject(node)) return false;
  let masked = false;
  if (typeof node.key === 'string' && SECRET_KEYS.has(node.key.toLowerCase()) && typeof node.value === 'string') {
    node.value = MASK;
    masked = true;
  }
  const name = variableName(node);
  if (name !== null && SECRET_VARIABLES.has(name)) {
    if (typeof node.attributeValue === 'string') {
      node.attributeValue = MASK;
      masked = true;
    }
    // NotifyReport: variableAttribute: [{ value }]
    if (Array.isArray(node.variableAttribute)) {
      for (const attribute of node.variableAttribute) {
        if (isObject(attribute) && typeof attribute.value === 'string') {
          attribute.value = MASK;
          masked = true;
        }
      }
    }
  }
  for (const value of Object.values(node)) if (maskNode(value)) masked = true;
  return masked;
}

/** A copy of an OCPP payload (command request or answer) with its secret values masked. */
export function maskPayloadSecrets<T>(payload: T): T {
  if (!isObject(payload) && !Array.isArray(payload)) return payload;
  if (!/AuthorizationKey|BasicAuthPassword/i.test(JSON.stringify(payload))) return payload;
  const copy = structuredClone(payload);
  maskNode(copy);
  return copy;
}

/** Text patterns for frames that do not parse (cut at the log's length limit). */
const SECRET_TEXT = [/("key"\s*:\s*"AuthorizationKey"[^}]*?"value"\s*:\s*")(?:[^"\\]|\\.)*(")/gi, /("name"\s*:\s*"BasicAuthPassword"[^]*?"(?:attributeValue|value)"\s*:\s*")(?:[^"\\]|\\.)*(")/gi];

/**
 * The frame with its secret values replaced by a mask; the frame itself when it holds none.
 * Cheap for the common case: frames that cannot hold a secret are returned untouched.
 */
export function maskFrameSecrets(frame: string): string {
  if (!/AuthorizationKey|BasicAuthPassword/i.test(frame)) return frame;
  try {
    const parsed: unknown = JSON.parse(frame);
    return maskNode(parsed) ? JSON.stringify(parsed) : frame;
  } catch {
    return SECRET_TEXT.reduce((text, pattern) => text.replace(pattern, `$1${MASK}$2`), frame);
  }
}
