import { describe, expect, it } from 'vitest';
import { layoutFor } from './csv-layouts.js';

const UCI_HEADER =
  'Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1;Sub_metering_2;Sub_metering_3';

describe('CSV layouts', () => {
  it('when the header is the UCI one, then rows parse with d/m/yyyy dates and ? as missing', () => {
    const layout = layoutFor(UCI_HEADER);
    expect(layout.name).toBe('uci');
    expect(layout.sensors).toEqual([
      'global_active_power',
      'global_reactive_power',
      'voltage',
      'global_intensity',
      'sub_metering_1',
      'sub_metering_2',
      'sub_metering_3',
    ]);
    expect(layout.parse('16/12/2006;17:24:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000')).toEqual({
      ok: true,
      row: {
        ts: Date.UTC(2006, 11, 16, 17, 24),
        values: {
          global_active_power: 4.216,
          global_reactive_power: 0.418,
          voltage: 234.84,
          global_intensity: 18.4,
          sub_metering_1: 0,
          sub_metering_2: 1,
          sub_metering_3: 17,
        },
      },
    });
    const missing = layout.parse('21/12/2006;11:23:00;?;?;?;?;?;?;');
    expect(missing.ok && Object.values(missing.row.values).every((v) => v === null)).toBe(true);
  });

  it.each([
    ['16/12/2006;17:24:00;4.216', 'expected 9 fields'],
    ['31/02/2006;17:24:00;1;1;1;1;1;1;1', 'no such date'],
    ['2006-12-16;17:24:00;1;1;1;1;1;1;1', 'expected d/m/yyyy'],
    ['16/12/2006;17:24:00;abc;1;1;1;1;1;1', 'global_active_power: expected a number, got "abc"'],
  ])('when a UCI row is "%s", then it is refused: %s', (line, reason) => {
    const result = layoutFor(UCI_HEADER).parse(line);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('when the header is timestamp,value (NAB), then timestamps without a zone are UTC', () => {
    const layout = layoutFor('timestamp,value');
    expect(layout).toMatchObject({ name: 'generic', sensors: ['value'] });
    expect(layout.parse('2014-07-01 00:00:00,10844')).toEqual({
      ok: true,
      row: { ts: Date.UTC(2014, 6, 1), values: { value: 10844 } },
    });
    expect(layout.parse('2014-07-01T00:30:00+02:00,1').ok && layout.parse('x,1').ok).toBe(false);
    expect(layoutFor('timestamp,Temperature,humidity').sensors).toEqual(['temperature', 'humidity']);
  });

  it('when the header fits no layout, then the whole file is refused with what was expected', () => {
    expect(() => layoutFor('a;b;c')).toThrow(/timestamp,<sensor>/);
    expect(() => layoutFor('timestamp,value', 'uci')).toThrow(/Date;Time;/);
  });
});
