/**
 * The wrappers that SDKs, the AWS CLI and deployment tools put around an AWS error message when the
 * message is read from logs rather than from CloudTrail's `errorMessage`:
 *
 *   An error occurred (<Code>) when calling the <Operation> operation[ (reached max retries: N)]: <message>   (boto3, AWS CLI)
 *   operation error <Service>: <Operation>, https response error StatusCode: 403, [RequestID: <id>, ][api error ]<Code>: <message>   (Go v2)
 *   <message>\n\tstatus code: 403, request id: <id>                                                            (Go v1)
 *   <message> (Service: <S>; Status Code: 403; Error Code: <C>; Request ID: <id>; Proxy: null)                 (Java v1)
 *   <message> (Service: <S>, Status Code: 403, Request ID: <id>)                                               (Java v2)
 *   <Code>: <message>                                                                                          (JS, Go, error classes)
 *   API: <service:Action> <message>                                                                            (CloudFormation events)
 *   Resource handler returned message: "<message>" (RequestToken: <t>, HandlerErrorCode: <C>)                  (CloudFormation)
 *
 * They are removed so that the inner message parses alone; the operation (and CloudFormation's action)
 * are kept as hints for when the inner message names no action. Anchored, bounded patterns only.
 */

export interface UnwrappedMessage {
  text: string;
  /** The API operation the wrapper names (`InvokeModel`), when it names one. */
  operation?: string;
  /** An IAM action the wrapper names (CloudFormation's `API: ec2:DeleteRoute`). */
  action?: string;
}

/** Wrappers nest (`botocore.errorfactory.X: An error occurred (X) ...`): at most this many are removed. */
const MAX_LAYERS = 4;

const BOTO_RE = /^An error occurred \([^()]{0,100}\) when calling the ([A-Za-z0-9]{1,100}) operation(?: \(reached max retries: \d{1,3}\))?: ?/;
const GO_V2_RE = /^operation error [^:,\n]{1,80}: ([A-Za-z0-9]{1,100}), https response error StatusCode: \d{3}, (?:RequestID: [^,\s]{0,100}, )?(?:api error )?/;
const EXCEPTION_RE = /^[A-Za-z][A-Za-z0-9.]{0,79}(?:Exception|Error|AccessDenied|UnauthorizedOperation|Forbidden): (?:\d{3} )?/;
const API_ACTION_RE = /^API: ([A-Za-z0-9-]{1,64}:[A-Za-z0-9*]{1,128}) /;
const CFN_HANDLER_PREFIX = 'Resource handler returned message: "';
const JAVA_SUFFIX_RE = /^ ?\(Service: ?[^;,()\n]{0,100}[;,] Status Code: \d{3}[;,)]/;
const STATUS_CODE_RE = /status code: /i;
const GO_V1_SUFFIX_RE = /^\s{1,8}status code: \d{3}, request id: /;

/** Removes one leading wrapper; null when the text starts with none. */
function stripPrefix(text: string, out: UnwrappedMessage): string | null {
  const boto = BOTO_RE.exec(text) ?? GO_V2_RE.exec(text);
  if (boto) {
    out.operation ??= boto[1] as string;
    return text.slice(boto[0].length);
  }
  const api = API_ACTION_RE.exec(text);
  if (api) {
    out.action ??= api[1] as string;
    return text.slice(api[0].length);
  }
  if (text.startsWith(CFN_HANDLER_PREFIX)) {
    const inner = text.slice(CFN_HANDLER_PREFIX.length);
    const close = inner.lastIndexOf('" (RequestToken:');
    return close >= 0 ? inner.slice(0, close) : inner;
  }
  // `User: ...` is the message itself, not an error class.
  const exception = EXCEPTION_RE.exec(text);
  return exception ? text.slice(exception[0].length) : null;
}

/** Cuts the Java `(Service: ...)` and Go v1 `status code: ..., request id: ...` trailers. */
function stripSuffix(text: string): string {
  let out = text;
  const java = out.lastIndexOf('(Service:');
  if (java > 0 && JAVA_SUFFIX_RE.test(out.slice(java - 1, java + 200))) out = out.slice(0, java).trimEnd();
  // Most messages have no Go trailer: look for one before lower-casing the whole text.
  const go = STATUS_CODE_RE.test(out) ? out.toLowerCase().lastIndexOf('status code: ') : -1;
  if (go > 0) {
    let start = go;
    while (start > 0 && go - start < 8 && /\s/.test(out[start - 1] as string)) start--;
    if (start < go && GO_V1_SUFFIX_RE.test(out.slice(start, go + 40))) out = out.slice(0, start).trimEnd();
  }
  return out;
}

/** The inner message of an SDK- or tool-wrapped error message, with the operation and action the wrapper names. */
export function unwrapMessage(message: string): Readonly<UnwrappedMessage> {
  // Decoding a record unwraps its message twice (to classify it, then to parse it): the last answer is kept.
  if (message === last.message) return last.unwrapped;
  const unwrapped = Object.freeze(unwrapUncached(message));
  last = { message, unwrapped };
  return unwrapped;
}

let last: { message: string | null; unwrapped: Readonly<UnwrappedMessage> } = { message: null, unwrapped: { text: '' } };

function unwrapUncached(message: string): UnwrappedMessage {
  const out: UnwrappedMessage = { text: message };
  let text = message.trimStart();
  for (let i = 0; i < MAX_LAYERS; i++) {
    const next = stripPrefix(text, out);
    if (next === null) break;
    text = next.trimStart();
  }
  out.text = stripSuffix(text);
  return out;
}
