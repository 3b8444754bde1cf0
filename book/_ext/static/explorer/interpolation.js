/* Interpolation: pick two test digits; a slider walks the straight line and the great circle
 * between their codes, and the VAE's decoder draws both points at once.
 * Data: aeutils.explorer.export("interpolation", decoder=..., codes=..., images=..., labels=...,
 * pair=[i, j], check=...) in chapter 8's notebook. */
"use strict";

AEExplorer.define("interpolation", (app, data) => {
  const X = AEExplorer;
  const decoder = new X.Network(data.decoder);
  const codes = X.array(data.codes);
  const images = X.array(data.images);
  const labels = X.array(data.labels);
  const pixels = (i) => Float32Array.from(X.row(images, i), (v) => v / 255);
  const length = (z) => Math.hypot(...z);

  /* The point at t of the straight line or of the great circle from z1 to z2 (as aeutils.vae). */
  function path(z1, z2, t, kind) {
    if (kind === "linear") return z1.map((v, k) => (1 - t) * v + t * z2[k]);
    let dot = 0;
    for (let k = 0; k < z1.length; k++) dot += z1[k] * z2[k];
    const theta = Math.acos(Math.min(1, Math.max(-1, dot / (length(z1) * length(z2)))));
    const a = Math.sin((1 - t) * theta) / Math.sin(theta);
    const b = Math.sin(t * theta) / Math.sin(theta);
    return z1.map((v, k) => a * v + b * z2[k]);
  }
  const decodeAt = (i, j, t, kind) =>
    decoder.run(path(Array.from(X.row(codes, i)), Array.from(X.row(codes, j)), t, kind));

  const state = { from: data.pair[0], to: data.pair[1], t: 0.5 };
  const start = X.panel("start", "the first test digit");
  const line = X.panel("straight line", "decoded from the point on the straight line");
  const circle = X.panel("great circle", "decoded from the point on the great circle");
  const end = X.panel("end", "the second test digit");
  const options = Array.from(labels, (digit, i) => [i, `test digit ${i + 1}: a ${digit}`]);
  const update = () => {
    const [z1, z2] = [state.from, state.to].map((i) => Array.from(X.row(codes, i)));
    X.drawDigit(start.image, pixels(state.from));
    X.drawDigit(end.image, pixels(state.to));
    for (const [panel, kind] of [[line, "linear"], [circle, "slerp"]]) {
      const z = path(z1, z2, state.t, kind);
      X.drawDigit(panel.image, decoder.run(z));
      panel.note.textContent = `\u2016z\u2016 = ${X.number(length(z))}`;
    }
    start.note.textContent = `\u2016z\u2016 = ${X.number(length(z1))}`;
    end.note.textContent = `\u2016z\u2016 = ${X.number(length(z2))}`;
  };
  const from = X.choice({
    label: "From", options, value: state.from,
    onChange: (v) => { state.from = Number(v); update(); },
  });
  const to = X.choice({
    label: "To", options, value: state.to,
    onChange: (v) => { state.to = Number(v); update(); },
  });
  const t = X.slider({
    label: "t", min: 0, max: 1, step: 0.01, value: state.t,
    format: (v) => v.toFixed(2),
    onInput: (v) => { state.t = v; update(); },
  });
  app.append(
    X.element("div", { class: "ae-controls" }, [from.root, to.root, t.root]),
    X.element("div", { class: "ae-row" }, [start.figure, line.figure, circle.figure, end.figure]),
  );
  update();
  return { decodeAt, state, controls: { from: from.select, to: to.select, t: t.input } };
});
