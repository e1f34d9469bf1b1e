/**
 * Splits a CQL script into statements: drops `--` and `//` line comments and block comments, splits on
 * semicolons that are outside quotes, and trims. cassandra-driver executes one statement per call.
 */
export function splitCqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: "'" | '"' | '$$' | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote) {
      if (!script.startsWith(quote, i)) {
        current += ch;
      } else if (quote !== '$$' && script[i + 1] === quote) {
        // A doubled quote inside a string is an escaped quote, not the end of the string.
        current += quote + quote;
        i++;
      } else {
        current += quote;
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (script.startsWith('--', i) || script.startsWith('//', i)) {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end - 1;
    } else if (script.startsWith('/*', i)) {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? script.length : end + 1;
    } else if (ch === ';') {
      pushStatement(statements, current);
      current = '';
    } else {
      quote = script.startsWith('$$', i) ? '$$' : ch === "'" || ch === '"' ? ch : undefined;
      current += quote ?? ch;
      if (quote) i += quote.length - 1;
    }
  }
  pushStatement(statements, current);
  return statements;
}

function pushStatement(statements: string[], text: string): void {
  const statement = text.replace(/\s+/g, ' ').trim();
  if (statement) statements.push(statement);
}
