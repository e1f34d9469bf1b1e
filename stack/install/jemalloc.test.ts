import { describe, expect, it } from 'vitest';
import { jemallocLibraryPath } from './jemalloc.js';

describe('jemallocLibraryPath', () => {
  it("is where Debian's libjemalloc2 puts the library on each architecture", () => {
    expect(jemallocLibraryPath('x64')).toBe('/usr/lib/x86_64-linux-gnu/libjemalloc.so.2');
    expect(jemallocLibraryPath('arm64')).toBe('/usr/lib/aarch64-linux-gnu/libjemalloc.so.2');
  });

  it('names the architecture it knows no folder for', () => {
    expect(() => jemallocLibraryPath('riscv64')).toThrow(/riscv64/);
  });
});
