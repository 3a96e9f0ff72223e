// Detector lab widget (anywidget ES module): a transparent loaded-language detector that the student
// tests against their own marks and the practice key, and a "write the spin" box.
//
// The detector below is the JavaScript twin of medialit/detector.py: it reads the same lexicon data
// (medialit/lexicons/detector_lexicon.json, sent by Python as `_data.lexicon`) and must mark exactly
// the same spans; tests/test_detector.py runs both on every paragraph of the article and compares.
// Data is always inserted with textContent, never parsed as HTML.

// ---------------------------------------------------------------------------------------------
// The detector (keep in step with medialit/detector.py)
// ---------------------------------------------------------------------------------------------

// ASCII letters with inner apostrophes, straight or curly: the same words as detector.WORD_PATTERN.
const WORD_PATTERN = /[A-Za-z]+(?:['\u2019][A-Za-z]+)*/g;
// Marked words separated only by spaces and hyphens form one span.
const JOIN_PATTERN = /^[ \-]+$/;

/** Every lexicon entry for one word, each with its strength on the 0-1 scale. */
export function wordHits(word, words) {
  const key = word.toLowerCase().replace(/\u2019/g, "'");
  const entries = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : {};
  const hits = [];
  if (typeof entries.vader === "number") {
    hits.push({ source: "vader", entry: key, value: entries.vader, strength: Math.abs(entries.vader) / 4 });
  }
  if (typeof entries.textblob === "number") {
    hits.push({ source: "textblob", entry: key, value: entries.textblob, strength: entries.textblob });
  }
  return hits;
}

function checkThreshold(threshold) {
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || !(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`threshold must be a number more than 0 and at most 1, not ${threshold}`);
  }
  return threshold;
}

/**
 * Marks of `text`: [{start, end, text, strength, hits, from, to}]. `start`/`end` count code points, as
 * Python's str does, shifted by `offset`; `from`/`to` are this string's own (UTF-16) indices, for
 * drawing. The two differ only after a character outside the Basic Multilingual Plane (an emoji).
 */
export function detect(text, words, threshold, offset = 0) {
  checkThreshold(threshold);
  const marks = [];
  let run = [];
  // UTF-16 index -> code point index, counted once per text.
  const astral = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { astral.push(i); i++; }
  }
  const points = (i) => { let n = 0; while (n < astral.length && astral[n] < i) n++; return i - n; };
  const close = () => {
    if (run.length) {
      const start = run[0].start;
      const end = run[run.length - 1].end;
      const hits = run.flatMap((w) => w.hits);
      marks.push({
        start: points(start) + offset, end: points(end) + offset, text: text.slice(start, end),
        strength: Math.max(...hits.map((h) => h.strength)), hits, from: start, to: end,
      });
      run = [];
    }
  };
  for (const match of text.matchAll(WORD_PATTERN)) {
    const start = match.index;
    const end = start + match[0].length;
    const hits = wordHits(match[0], words);
    if (hits.length && Math.max(...hits.map((h) => h.strength)) >= threshold) {
      if (run.length && !JOIN_PATTERN.test(text.slice(run[run.length - 1].end, start))) close();
      run.push({ start, end, hits });
    } else {
      close();
    }
  }
  close();
  return marks;
}

// ---------------------------------------------------------------------------------------------
// Span scoring: a port of medialit.scoring.span_prf (DESIGN.md section 3), as in highlighter.js
// (each widget module is self-contained). tests/test_detector.py compares it with Python on
// tests/fixtures/span_cases.json.
// ---------------------------------------------------------------------------------------------

export function mergeSpans(spans) {
  const merged = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    const last = merged[merged.length - 1];
    if (last && start < last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

export function spanPrf(studentSpans, keySpans) {
  const student = mergeSpans(studentSpans);
  const key = mergeSpans(keySpans);
  if (!student.length && !key.length) return { precision: 1, recall: 1, f1: 1 };
  if (!student.length || !key.length) return { precision: 0, recall: 0, f1: 0 };
  let p = 0;
  let r = 0;
  for (const [s0, s1] of student) {
    for (const [t0, t1] of key) {
      const shared = Math.max(0, Math.min(s1, t1) - Math.max(s0, t0));
      if (shared) {
        p += shared / (s1 - s0);
        r += shared / (t1 - t0);
      }
    }
  }
  const precision = p / student.length;
  const recall = r / key.length;
  const f1 = precision && recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
