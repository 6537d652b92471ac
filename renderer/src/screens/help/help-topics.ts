import { ERROR_TEXTS } from '../../../../shared/domain/error-texts';

/** One short answer on the Help screen. */
export interface HelpTopic {
  id: string;
  section: string;
  title: string;
  paragraphs: string[];
  /** Other words people search with. */
  keywords?: string;
  /** The technical names, shown small under the answer (error codes, HTTP status). */
  technical?: string;
}

const GUIDE: HelpTopic[] = [
  {
    id: 'prediction',
    section: 'Predictions',
    title: 'What a prediction is',
    paragraphs: [
      'A model learned from past examples. You give it the values of one case (a house, a customer) and it answers with its best estimate: a number, such as a price, or a class, such as "churn" or "stay".',
      'It is an estimate, not a fact. The "About this model" panel shows how well it did in testing.',
    ],
    keywords: 'result answer estimate form predict',
  },
  {
    id: 'confidence',
    section: 'Predictions',
    title: 'What confidence and typical error mean',
    paragraphs: [
      'For a class, the confidence says how sure the model is: 90% means that among cases like this one, it was right about 9 times in 10. When the model gives a confidence for every possible answer, all of them are listed.',
      'For a number, "± $41,250 typical error" means its answers were usually about that far from the real value in testing (the RMSE on the model card).',
    ],
    keywords: 'probability certainty uncertainty rmse mae accuracy sure',
  },
  {
    id: 'whatif',
    section: 'Predictions',
    title: 'What "What if…" does',
    paragraphs: [
      'It keeps the form as it is and changes one field, to show how the prediction moves: a line for a number field, one bar per allowed value for a category.',
      'Each point is one prediction and counts against the account’s rate limit.',
    ],
    keywords: 'sweep vary chart category',
  },
  {
    id: 'rate-limit',
    section: 'Speed and limits',
    title: 'What the rate limit is',
    paragraphs: [
      'Plexe lets each API key send a set number of requests a minute: 100 on the basic tier, 500 on pro. Set the same number as the account’s "Requests per minute" in Accounts (under Advanced).',
      'The app never sends more than that. If Plexe still asks it to slow down, it waits as long as asked and tries again; nothing is lost.',
    ],
    keywords: 'rate limit requests per minute 429 slow down throttle tier plan quota',
  },
  {
    id: 'batches',
    section: 'Speed and limits',
    title: 'What batches are and why a job takes the time it takes',
    paragraphs: [
      'A spreadsheet is sent in batches: many rows in one request, when the model accepts them. A batch counts as one request against the rate limit, so batches make a job much faster.',
      'A job’s time is about the number of requests divided by the requests allowed per minute, plus the time the model takes. A model without batches gets one request per row: 10,000 rows at 100 a minute take about 100 minutes.',
      'You can pause a job, close the app, and resume later: rows that have an answer are never sent again.',
    ],
    keywords: 'batch rows per request slow duration time estimate job spreadsheet pause resume',
  },
  {
    id: 'key-storage',
    section: 'Accounts and keys',
    title: 'Where your API key is kept',
    paragraphs: [
      'In your computer’s keychain (Keychain on macOS, Credential Manager on Windows, Secret Service on Linux), never in a file, a log or the history. The app only shows its last four characters.',
      'If the keychain cannot be used, you can keep a key for the current session only; it is forgotten when the app closes.',
    ],
    keywords: 'api key secret keychain password security stored',
  },
  {
    id: 'key-rotate',
    section: 'Accounts and keys',
    title: 'How to replace (rotate) a key',
    paragraphs: [
      'Create a new key in the Plexe console. In Accounts, choose "Replace key" on the account, paste the new key and choose "Test and replace key". The old key stays until the new one works.',
      'Then revoke the old key in the Plexe console. The account keeps its models and its history. The app reminds you after a number of days you choose in Settings (90 by default).',
    ],
    keywords: 'rotate replace renew change key expired revoked reminder',
  },
  {
    id: 'not-verified',
    section: 'Accounts and keys',
    title: 'What "not verified" means',
    paragraphs: [
      'An account is saved only after its connection test passes. If the server was down or you were offline, you could save it anyway: it is then marked "not verified" until a connection test passes ("Test connection" in Accounts).',
    ],
    keywords: 'connection test failed save anyway offline',
  },
  {
    id: 'spreadsheet',
    section: 'Spreadsheets',
    title: 'How to score a spreadsheet',
    paragraphs: [
      'Open the Spreadsheet screen, choose a CSV, TSV or Excel file and the model. Match each of the model’s fields to a column; the app checks every row first and lists the problems grouped by cause.',
      'Start the job. It runs within the account’s rate limit and can be paused, resumed, and survives a crash.',
    ],
    keywords: 'bulk csv excel xlsx import file many rows job',
  },
  {
    id: 'export',
    section: 'Spreadsheets',
    title: 'How to read the export',
    paragraphs: [
      'The exported CSV has your original columns, then the prediction columns, then a status for each row: "ok", or an error with its plain-words message. Rows that failed can be retried from the job.',
    ],
    keywords: 'export csv download results columns status',
  },
  {
    id: 'logs',
    section: 'Getting help',
    title: 'Where the logs are and how to send diagnostics',
    paragraphs: [
      'In Settings, "Copy diagnostics" copies the app version, your system, and the last errors with their request ids — never your API key. Paste it into your support request. "Show the log file" opens the log folder.',
      'Logs are in the app’s log folder: on Windows %APPDATA%\\Plexe Desktop\\logs, on macOS ~/Library/Logs/Plexe Desktop, on Linux ~/.config/Plexe Desktop/logs.',
    ],
    keywords: 'log diagnostics support bug report request id',
  },
];

/** One entry per Plexe error code and network failure: the same texts the error panels show. */
const ERRORS: HelpTopic[] = ERROR_TEXTS.map((t) => ({
  id: `error-${t.codes[0]}`,
  section: 'Errors and what to do',
  title: t.title,
  paragraphs: [t.means, `What to do: ${t.todo}`],
  keywords: [t.httpStatus === 400 ? 'HTTP 422' : '', t.codes.map((c) => c.replace(/_/g, ' ')).join(' ')].join(' '),
  technical: `Error code ${t.codes.join(', ')}${t.httpStatus !== null ? `; HTTP ${t.httpStatus}${t.httpStatus === 400 ? ' or 422' : t.httpStatus === 502 ? ' or 504' : ''}` : ''}.`,
}));

export const HELP_TOPICS: readonly HelpTopic[] = [...GUIDE, ...ERRORS];

/**
 * Topics holding every word of the query (in any order, any case), those whose title holds them
 * first; all topics for an empty query.
 */
export function searchHelp(query: string, topics: readonly HelpTopic[] = HELP_TOPICS): HelpTopic[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...topics];
  const holds = (text: string) => words.every((w) => text.toLowerCase().includes(w));
  const found = topics.filter((t) => holds([t.title, t.section, ...t.paragraphs, t.keywords ?? '', t.technical ?? ''].join(' ')));
  return [...found.filter((t) => holds(t.title)), ...found.filter((t) => !holds(t.title))];
}
