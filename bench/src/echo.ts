/**
 * The raw side of the stdio benchmark: answers every request line with one line and does nothing
 * else, so it is the most a line protocol over a pipe can carry. Complete lines of a chunk go
 * back in one write, as `stratum serve` batches its answers.
 */
let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  const text = rest + chunk;
  const end = text.lastIndexOf('\n');
  if (end === -1) {
    rest = text;
    return;
  }
  rest = text.slice(end + 1);
  const lines = text.slice(0, end).split('\n');
  process.stdout.write(`${lines.join('\n')}\n`);
});
