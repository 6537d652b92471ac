/**
 * One plain-words text per Plexe error code and per network failure: what it means and what to
 * do. The error panels show these first (the technical code and HTTP status go under "Details"),
 * and the Help screen lists the same entries, so a person reads the same words in both places.
 */
export interface ErrorText {
  /** The codes this entry explains: Plexe's own, then ours for failures below HTTP. */
  codes: readonly string[];
  /** The HTTP status Plexe uses for it, when there is one. */
  httpStatus: number | null;
  title: string;
  means: string;
  todo: string;
  /** The error's own message and action say more than `means` and `todo` (where a redirect pointed, when to come back): panels show them instead. */
  ownMessageFirst?: boolean;
}

export const ERROR_TEXTS: readonly ErrorText[] = [
  {
    codes: ['invalid_input', 'invalid_request', 'validation_error', 'bad_request'],
    httpStatus: 400,
    title: 'Some values were not accepted',
    means: 'The model looked at the values and refused some of them: a number outside its range, a word it does not know, text where it needs a number, or a missing field.',
    todo: 'Correct the fields marked in red and predict again. The message next to each field says what the model expects.',
  },
  {
    codes: ['unauthorized'],
    httpStatus: 401,
    title: 'Your API key was rejected',
    means: 'Plexe did not accept the API key. Keys can be revoked, expire, or be copied incompletely.',
    todo: 'Create a new key in the Plexe console, then use "Replace key" on the account in Accounts.',
  },
  {
    codes: ['no_key', 'missing_key'],
    httpStatus: null,
    title: 'This account has no API key',
    means: 'No key is saved for this account on this computer, so nothing can be sent.',
    todo: 'Open Accounts, choose "Replace key" on the account and paste the key from the Plexe console.',
  },
  {
    codes: ['forbidden'],
    httpStatus: 403,
    title: 'This key may not use this model',
    means: 'The key is valid, but it does not give access to this model.',
    todo: 'Check that the model belongs to the same Plexe account as the key, or use a key that has access to it.',
  },
  {
    codes: ['not_found'],
    httpStatus: 404,
    title: 'Model not found',
    means: 'Plexe has no model with this name and version at this address.',
    todo: "Check the model's name and version, and the account's base URL under Advanced in Accounts.",
  },
  {
    codes: ['rate_limit_exceeded'],
    httpStatus: 429,
    title: 'Plexe asked us to slow down',
    means: 'The account sent more requests in a minute than its plan allows (100 a minute on the basic tier, 500 on pro). It is a pause, not a failure.',
    todo: 'Nothing: the app waits as long as Plexe asks and tries again. If it happens often, set the account\u2019s requests per minute to match its plan.',
  },
  {
    codes: ['prediction_error'],
    httpStatus: 500,
    title: 'The model could not make a prediction',
    means: 'The model received the values but failed while working on them.',
    todo: "Check the values. If they look right, send the request ID (under Details) to the model's owner.",
  },
  {
    codes: ['internal_error', 'server_error'],
    httpStatus: 500,
    title: 'Plexe had a problem',
    means: 'Something went wrong on Plexe\u2019s side, not with your values.',
    todo: 'Try again in a few minutes. If it keeps happening, contact Plexe support with the request ID.',
  },
  {
    codes: ['deployment_unavailable', 'service_unavailable'],
    httpStatus: 503,
    title: 'The model is not running right now',
    means: 'The model may be starting, paused, still being built or being updated.',
    todo: 'Try again in a few minutes, or check the model in the Plexe console.',
  },
  {
    codes: ['model_not_ready'],
    httpStatus: null,
    title: 'This model is not ready yet',
    means: 'Plexe reports that the model is still being built, or failed to build, so it cannot answer.',
    todo: 'Wait until its status is READY, then use "Check again".',
  },
  {
    codes: ['bad_gateway', 'gateway_timeout'],
    httpStatus: 502,
    title: 'Plexe\u2019s gateway did not answer',
    means: 'The server in front of the model could not reach it in time (HTTP 502 or 504). This is usually brief.',
    todo: 'The app tries again by itself. If it still fails, try again in a moment.',
  },
  {
    codes: ['payload_too_large'],
    httpStatus: 413,
    title: 'The request was too large',
    means: 'Plexe refused a request because it held too many rows at once.',
    todo: 'Spreadsheets send smaller batches by themselves; you can also lower "Rows sent together" in Settings.',
  },
  {
    codes: ['timeout'],
    httpStatus: null,
    title: 'No answer in time',
    means: 'Plexe did not answer within the time limit. The model may be busy or starting up.',
    todo: 'Try again. If it keeps happening, raise "Wait for an answer" in Settings.',
  },
  {
    codes: ['offline'],
    httpStatus: null,
    title: 'No connection to Plexe',
    means: 'This computer could not find or reach the server: it seems to be offline, or the address is wrong.',
    todo: "Check your internet connection and the account's base URL, then try again.",
  },
  {
    codes: ['network'],
    httpStatus: null,
    title: 'Could not reach Plexe',
    means: 'The connection failed before Plexe answered: the server refused it, a proxy blocked it, or its certificate could not be checked.',
    todo: "Check the account's base URL. On a company network, ask IT about the proxy and its certificate.",
  },
  {
    codes: ['bad_response'],
    httpStatus: null,
    title: 'The answer could not be read',
    means: 'An answer arrived but was cut off or was not what Plexe sends. Usually a dropped connection.',
    todo: 'Try again; the app retries such answers by itself.',
  },
  {
    codes: ['redirect_refused'],
    httpStatus: null,
    title: 'The server tried to send your key elsewhere',
    means: 'The server answered with a redirect to another address. Plexe Desktop never follows a redirect with your key, so the key stayed with this account\u2019s own server.',
    todo: 'Check the base URL of this account in Accounts (under Advanced): it should be the address Plexe gave you, starting with https://.',
    ownMessageFirst: true,
  },
  {
    codes: ['answer_too_large'],
    httpStatus: null,
    title: 'The answer was too large',
    means: 'The answer was larger than the limit ("Largest answer" in Settings, 16 MB unless changed), so Plexe Desktop stopped reading it. A prediction is normally far smaller.',
    todo: 'If the model really answers with that much, raise "Largest answer" in Settings; otherwise tell the model\u2019s owner, with the request ID.',
    ownMessageFirst: true,
  },
  {
    codes: ['answer_too_deep'],
    httpStatus: null,
    title: 'The answer was nested too deeply',
    means: 'The answer was nested too deeply (more than 64 levels) to be read safely. Only the error was kept.',
    todo: 'Tell the model\u2019s owner, with the request ID (under Details).',
    ownMessageFirst: true,
  },
  {
    codes: ['come_back_later'],
    httpStatus: 429,
    title: 'Plexe asked us to come back later',
    means: 'Plexe asked to wait longer than the app waits by itself ("Longest wait Plexe may ask for" in Settings, 1 hour unless changed).',
    todo: 'Try again after the time Plexe gave. A spreadsheet job pauses itself and can be resumed then; nothing already scored is lost.',
    ownMessageFirst: true,
  },
  {
    codes: ['file_not_granted'],
    httpStatus: null,
    title: 'That file was not chosen here',
    means: 'Plexe Desktop reads and writes only files you chose in this session: with its Open or Save dialogs, by dropping them on the window, or with "Open with".',
    todo: 'Choose the file again with the button, or drop it on the window.',
  },
  {
    codes: ['cancelled'],
    httpStatus: null,
    title: 'Cancelled',
    means: 'You stopped the request before it was answered.',
    todo: 'Predict again when you are ready.',
  },
];

const OTHER: ErrorText = {
  codes: [],
  httpStatus: null,
  title: 'The request failed',
  means: 'Plexe answered with an error this app does not know by name.',
  todo: 'Try again. If it keeps happening, copy the diagnostics in Settings and send them with the request ID to support.',
};

const byCode = new Map(ERROR_TEXTS.flatMap((t) => t.codes.map((c) => [c, t] as const)));
// A bare HTTP status picks the first entry that uses it; a 500 without a code is Plexe's own problem, not the model's.
const byStatus = new Map(ERROR_TEXTS.filter((t) => t.httpStatus !== null && !t.codes.includes('prediction_error')).reverse().map((t) => [t.httpStatus!, t] as const));

/** The text for an error: by its code, else by its HTTP status, else a general one. */
export function errorText(e: { code: string; httpStatus: number | null }): ErrorText {
  const known = byCode.get(e.code);
  if (known) return known;
  if (e.httpStatus === 504) return byCode.get('gateway_timeout')!;
  if (e.httpStatus === 400 || e.httpStatus === 422) return byCode.get('invalid_input')!;
  const s = e.httpStatus !== null ? byStatus.get(e.httpStatus) : undefined;
  if (s) return s;
  if (e.httpStatus !== null && e.httpStatus >= 500) return byCode.get('internal_error')!;
  return OTHER;
}
