/**
 * Advance widths read straight from a TrueType file, so Vega can lay out text with the real metrics
 * of the bundled font. Without node-canvas, Vega guesses 0.8 em per character, which is far wider than
 * real text: axes get pushed apart and labels are truncated or spaced for no reason. Kerning is ignored
 * (a fraction of a pixel per pair); only the `head`, `hhea`, `hmtx` and `cmap` (format 4) tables are read.
 */
import { readFileSync } from "node:fs";

export interface FontMetrics {
  /** Width in pixels of `text` set at `fontSize` px. */
  width(text: string, fontSize: number): number;
}

interface TableRecord {
  offset: number;
  length: number;
}

function tables(buf: Buffer): Map<string, TableRecord> {
  const count = buf.readUInt16BE(4);
  const out = new Map<string, TableRecord>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    out.set(buf.toString("latin1", at, at + 4), {
      offset: buf.readUInt32BE(at + 8),
      length: buf.readUInt32BE(at + 12),
    });
  }
  return out;
}

function need(t: Map<string, TableRecord>, tag: string, file: string): TableRecord {
  const rec = t.get(tag);
  if (!rec) throw new Error(`font ${file}: no '${tag}' table (expected a TrueType/OpenType font)`);
  return rec;
}

/** Maps a BMP code point to a glyph id with the Windows Unicode (3,1) or Unicode (0,x) format-4 subtable. */
function glyphLookup(buf: Buffer, cmap: TableRecord, file: string): (code: number) => number {
  const n = buf.readUInt16BE(cmap.offset + 2);
  let sub = -1;
  for (let i = 0; i < n; i++) {
    const at = cmap.offset + 4 + i * 8;
    const platform = buf.readUInt16BE(at);
    const encoding = buf.readUInt16BE(at + 2);
    const offset = cmap.offset + buf.readUInt32BE(at + 4);
    if (buf.readUInt16BE(offset) !== 4) continue;
    if ((platform === 3 && encoding === 1) || platform === 0) sub = offset;
  }
  if (sub < 0) throw new Error(`font ${file}: no format-4 Unicode cmap`);
  const segCount = buf.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segCount * 2 + 2;
  const deltas = starts + segCount * 2;
  const rangeOffsets = deltas + segCount * 2;
  return (code) => {
    for (let i = 0; i < segCount; i++) {
      if (buf.readUInt16BE(ends + i * 2) < code) continue;
      const start = buf.readUInt16BE(starts + i * 2);
      if (start > code) return 0;
      const delta = buf.readInt16BE(deltas + i * 2);
      const ro = buf.readUInt16BE(rangeOffsets + i * 2);
      if (ro === 0) return (code + delta) & 0xffff;
      const glyph = buf.readUInt16BE(rangeOffsets + i * 2 + ro + (code - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

/** Reads the advance widths of a TTF file; characters outside the font measure as its .notdef glyph. */
export function loadFontMetrics(file: string): FontMetrics {
  const buf = readFileSync(file);
  const t = tables(buf);
  const unitsPerEm = buf.readUInt16BE(need(t, "head", file).offset + 18);
  const hMetrics = buf.readUInt16BE(need(t, "hhea", file).offset + 34);
  const hmtx = need(t, "hmtx", file).offset;
  const glyphOf = glyphLookup(buf, need(t, "cmap", file), file);
  const cache = new Map<number, number>();
  const advance = (code: number): number => {
    let em = cache.get(code);
    if (em === undefined) {
      const glyph = code > 0xffff ? 0 : glyphOf(code);
      // Glyphs past numberOfHMetrics share the last advance (monospaced tail).
      em = buf.readUInt16BE(hmtx + Math.min(glyph, hMetrics - 1) * 4) / unitsPerEm;
      cache.set(code, em);
    }
    return em;
  };
  return {
    width(text, fontSize) {
      let em = 0;
      for (const ch of text) em += advance(ch.codePointAt(0)!);
      return em * fontSize;
    },
  };
}
