/**
 * The CSV layouts `npm run import` understands, as pure line parsers:
 *
 * - `uci`: the UCI "individual household electric power consumption" file,
 *   `Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1;...`,
 *   dates as d/m/yyyy, `?` for a missing value. Times are taken as UTC.
 * - `generic`: `timestamp,<sensor>[,<sensor>...]` (NAB's layout is `timestamp,value`), timestamps in
 *   ISO 8601 or `yyyy-mm-dd hh:mm:ss` (UTC), an empty field for a missing value.
 */

export type LayoutName = 'uci' | 'generic';

export interface ParsedRow {
  readonly ts: number;
  /** Sensor values; null where the row had no value. */
  readonly values: Readonly<Record<string, number | null>>;
}

export type RowResult =
  | { readonly ok: true; readonly row: ParsedRow }
  | { readonly ok: false; readonly reason: string };

export interface Layout {
  readonly name: LayoutName;
  readonly sensors: readonly string[];
  parse(line: string): RowResult;
}

/** A header no layout understands: the file cannot be imported at all. */
export class LayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayoutError';
  }
}

const SENSOR_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Picks the layout from the header line (or checks the one asked for) and returns its row parser. */
export function layoutFor(header: string, asked?: LayoutName): Layout {
  const clean = header.replace(/^\uFEFF/, '').trim();
  const isUci = /^Date;Time;/i.test(clean);
  const name: LayoutName = asked ?? (isUci ? 'uci' : 'generic');
  if (name === 'uci') {
    if (!isUci)
      throw new LayoutError(
        `not the UCI layout: the header should start with "Date;Time;" (got "${clean.slice(0, 60)}")`,
      );
    return uciLayout(clean.split(';').slice(2).map(sensorName));
  }
  const columns = clean.split(',').map((c) => c.trim());
  if (columns.length < 2 || !/^(timestamp|ts|time|datetime)$/i.test(columns[0] as string)) {
    throw new LayoutError(
      `not the generic layout: the header should be "timestamp,<sensor>[,<sensor>...]" (got "${clean.slice(0, 60)}")`,
    );
  }
  return genericLayout(columns.slice(1).map(sensorName));
}

function sensorName(column: string): string {
  const name = column
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_');
  if (!SENSOR_NAME.test(name)) throw new LayoutError(`column "${column}" is not a usable sensor name`);
  return name;
}

function uciLayout(sensors: string[]): Layout {
  return {
    name: 'uci',
    sensors,
    parse(line) {
      const fields = line.trim().split(';');
      if (fields.length !== sensors.length + 2) {
        return {
          ok: false,
          reason: `expected ${sensors.length + 2} fields separated by ";", got ${fields.length}`,
        };
      }
      const date = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(fields[0] as string);
      const time = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(fields[1] as string);
      if (!date || !time)
        return { ok: false, reason: `expected d/m/yyyy;hh:mm:ss, got "${fields[0]};${fields[1]}"` };
      const [, d, m, y] = date.map(Number) as [number, number, number, number];
      const [, hh, mm, ss] = time.map(Number) as [number, number, number, number];
      const ts = Date.UTC(y, m - 1, d, hh, mm, ss);
      const back = new Date(ts);
      if (back.getUTCDate() !== d || back.getUTCMonth() !== m - 1 || hh > 23 || mm > 59 || ss > 59) {
        return { ok: false, reason: `no such date or time "${fields[0]};${fields[1]}"` };
      }
      return valuesOf(ts, sensors, fields.slice(2), '?');
    },
  };
}

function genericLayout(sensors: string[]): Layout {
  return {
    name: 'generic',
    sensors,
    parse(line) {
      const fields = line.trim().split(',');
      if (fields.length !== sensors.length + 1) {
        return {
          ok: false,
          reason: `expected ${sensors.length + 1} fields separated by ",", got ${fields.length}`,
        };
      }
      const text = (fields[0] as string).trim();
      const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text);
      const ts = iso
        ? Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`)
        : Number.NaN;
      if (!Number.isFinite(ts)) return { ok: false, reason: `expected an ISO 8601 timestamp, got "${text}"` };
      return valuesOf(ts, sensors, fields.slice(1), '');
    },
  };
}

function valuesOf(
  ts: number,
  sensors: readonly string[],
  fields: readonly string[],
  missing: string,
): RowResult {
  const values: Record<string, number | null> = {};
  for (const [i, sensor] of sensors.entries()) {
    const text = (fields[i] as string).trim();
    if (text === missing || text === '') {
      values[sensor] = null;
      continue;
    }
    const value = Number(text);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isFinite(value)) {
      return { ok: false, reason: `${sensor}: expected a number, got "${text}"` };
    }
    values[sensor] = value;
  }
  return { ok: true, row: { ts, values } };
}
