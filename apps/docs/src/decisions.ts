/**
 * spec/DECISIONS.md is one wide table, written to be read on GitHub. Redoc's middle column is too
 * narrow for five columns, so the docs show each row as a section of its own: a heading from the
 * first two cells (plain text, as the side menu lists it), then each other cell under its
 * column's name.
 */
export function decisionsAsSections(markdown: string): string {
  const lines = markdown.trim().split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  if (start < 0) return markdown.trim();
  let end = start;
  while (end < lines.length && lines[end]?.startsWith('|')) end += 1;
  const [header = [], , ...rows] = lines.slice(start, end).map(cellsOf);
  const sections = rows.map((cells) => {
    const [number, topic, ...details] = cells;
    const body = details.map((cell, index) => `**${header[index + 2] ?? ''}.** ${cell}`);
    // Redoc's side menu drops code spans from headings: `data` shape would read "2.  shape".
    return [`### ${number}. ${topic?.replace(/`/g, '')}`, ...body].join('\n\n');
  });
  return [...lines.slice(0, start), sections.join('\n\n'), ...lines.slice(end)].join('\n').trim();
}

/** The cells of one table row; a cell may hold an escaped pipe (`\|`). */
function cellsOf(row: string): string[] {
  return row
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}
