/**
 * The CSV of S3 Inventory reports and S3 Batch Operations manifests: comma-separated, fields
 * optionally in double quotes (`""` inside quotes is one quote), one record per line. Object
 * keys in both are URL-encoded, so no field holds a line break.
 */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    rows.push(csvFields(line));
  }
  return rows;
}

/** One record's fields (S3 Inventory and Batch Operations CSV: keys are URL-encoded, so no field spans lines). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      fields.push(value);
      i = line.indexOf(',', i) === -1 ? line.length + 1 : line.indexOf(',', i) + 1;
    } else {
      const end = line.indexOf(',', i);
      fields.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return fields;
}

/** Keys in inventory reports and Batch Operations manifests are URL-encoded (a space may be `+` or `%20`); undefined when not (a bare `%`). */
export function decodeKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
