/* Anomaly threshold: one digit is normal, the other nine anomalous; a slider sets the threshold on
 * the reconstruction error above which a test image is flagged. The histograms, the counts of
 * true and false positives and the point on the ROC curve follow it; the AUROC is computed here.
 * Data: aeutils.explorer.export("anomaly", labels=..., scores=(10, N), aurocs=...) in chapter 10's
 * notebook: scores[d] are the errors of the autoencoder trained on digit d alone. */
"use strict";

AEExplorer.define("anomaly", (app, data) => {
  const X = AEExplorer;
  const labels = X.array(data.labels);
  const scores = X.array(data.scores);
  const STEPS = 200;
  const BINS = 40;
  const W = 420;
  const H = 170;
  const R = 170;
  const [NORMAL, ANOMALY] = ["#1f77b4", "#ff7f0e"];
  const state = { digit: data.digit, step: STEPS / 2 };

  /* Area under the ROC curve, anomalies as positives: the Mann-Whitney statistic, ties halved. */
  function auroc(values, positive) {
    const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
    let rankSum = 0;
    let positives = 0;
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
      const rank = (i + j) / 2 + 1; // the mean rank of a run of ties
      for (let k = i; k <= j; k++) if (positive[order[k]]) { rankSum += rank; positives++; }
      i = j + 1;
    }
    const negatives = order.length - positives;
    return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
  }

  function setDigit(digit) {
    const values = X.row(scores, digit);
    const logs = Array.from(values, (v) => Math.log10(v));
    const positive = Array.from(labels, (label) => label !== digit);
    const lo = Math.min(...logs);
    const hi = Math.max(...logs);
    const counts = [new Array(BINS).fill(0), new Array(BINS).fill(0)];
    logs.forEach((v, i) => {
      counts[positive[i] ? 1 : 0][Math.min(BINS - 1, Math.floor(((v - lo) / (hi - lo)) * BINS))]++;
    });
    const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
    const P = positive.filter(Boolean).length;
    const roc = [[0, 0]];
    let tp = 0;
    let fp = 0;
    for (const i of order) {
      if (positive[i]) tp++;
      else fp++;
      roc.push([fp / (positive.length - P), tp / P]);
    }
    Object.assign(state, {
      digit, values, logs, positive, lo, hi, counts, roc, P, N: positive.length - P,
      auroc: auroc(values, positive),
    });
  }

  const histogram = X.canvas(W, H, "Histograms of the reconstruction errors of normal and anomalous test digits, with the threshold");
  const curve = X.canvas(R, R, "The ROC curve, with the point of the current threshold");
  const readout = X.element("p", { class: "ae-readout", "aria-live": "polite" });
  const area = X.element("p", { class: "ae-readout" });

  function draw() {
    const { lo, hi, counts, roc } = state;
    const threshold = lo + (state.step / STEPS) * (hi - lo);
    state.threshold = 10 ** threshold;
    let tp = 0;
    let fp = 0;
    state.logs.forEach((v, i) => {
      if (v > threshold) state.positive[i] ? tp++ : fp++;
    });
    Object.assign(state, { tp, fp });

    const g = histogram.getContext("2d");
    g.clearRect(0, 0, W, H);
    const bottom = H - 22;
    const shares = counts.map((c) => c.map((n) => n / c.reduce((a, b) => a + b, 0)));
    const top = Math.max(...shares.flat());
    const barWidth = W / BINS;
    shares.forEach((share, kind) => {
      g.fillStyle = kind ? ANOMALY : NORMAL;
      g.globalAlpha = 0.55;
      share.forEach((s, b) => {
        const h = (s / top) * (bottom - 8);
        g.fillRect(b * barWidth, bottom - h, barWidth - 1, h);
      });
    });
    g.globalAlpha = 1;
    const x = ((threshold - lo) / (hi - lo)) * W;
    g.fillStyle = "#000";
    g.fillRect(Math.min(W - 2, x), 0, 2, bottom);
    g.font = "12px sans-serif";
    g.fillText(`error ${X.number(10 ** lo, 4)}`, 2, H - 6);
    g.textAlign = "right";
    g.fillText(`${X.number(10 ** hi, 4)} (log scale)`, W - 2, H - 6);
    g.textAlign = "left";

    const c = curve.getContext("2d");
    c.clearRect(0, 0, R, R);
    c.strokeStyle = "#999";
    c.setLineDash([4, 3]);
    c.beginPath();
    c.moveTo(0, R);
    c.lineTo(R, 0);
    c.stroke();
    c.setLineDash([]);
    c.strokeStyle = "#000";
    c.strokeRect(0.5, 0.5, R - 1, R - 1);
    c.strokeStyle = ANOMALY;
    c.lineWidth = 2;
    c.beginPath();
    roc.forEach(([f, t], k) => (k ? c.lineTo(f * R, (1 - t) * R) : c.moveTo(f * R, (1 - t) * R)));
    c.stroke();
    c.lineWidth = 1;
    c.fillStyle = "#000";
    c.beginPath();
    c.arc((fp / state.N) * R, (1 - tp / state.P) * R, 5, 0, 2 * Math.PI);
    c.fill();
    c.font = "11px sans-serif";
    c.fillText("false-positive rate \u2192", 14, R - 5);
    c.save();
    c.translate(11, R - 4);
    c.rotate(-Math.PI / 2);
    c.fillText("true-positive rate \u2192", 0, 0);
    c.restore();

    const share = (n, of) => `${n.toLocaleString("en")} of ${of.toLocaleString("en")} (${((100 * n) / of).toFixed(1)}%)`;
    readout.textContent = `Threshold ${X.number(state.threshold, 4)}: flagged as anomalous ` +
      `${share(tp, state.P)} anomalies (true positives) and ${share(fp, state.N)} normal ` +
      `${state.digit}s (false positives).`;
    area.textContent = `AUROC ${state.auroc.toFixed(3)}, computed here from the errors ` +
      `(the notebook's: ${data.aurocs[state.digit].toFixed(3)}).`;
  }

  const digit = X.choice({
    label: "Normal digit",
    options: Array.from({ length: 10 }, (_, d) => [d, String(d)]),
    value: state.digit,
    onChange: (v) => { setDigit(Number(v)); draw(); },
  });
  const threshold = X.slider({
    label: "Threshold", min: 0, max: STEPS, step: 1, value: state.step,
    format: () => X.number(state.threshold ?? 0, 4),
    onInput: (v) => { state.step = v; draw(); threshold.refresh(); },
  });
  const legend = X.element("p", { class: "ae-legend" }, [
    X.element("span", {}, [X.element("i", { style: `background:${NORMAL}`, "aria-hidden": "true" }), " normal"]),
    X.element("span", {}, [X.element("i", { style: `background:${ANOMALY}`, "aria-hidden": "true" }), " anomalous"]),
    " \u00b7 each histogram scaled to its own total",
  ]);
  setDigit(state.digit);
  draw();
  threshold.refresh();
  app.append(
    X.element("div", { class: "ae-controls" }, [digit.root, threshold.root]),
    X.element("div", { class: "ae-row" }, [histogram, curve]),
    legend, readout, area,
  );
  return { state, auroc: (d) => auroc(X.row(scores, d), Array.from(labels, (l) => l !== d)),
    controls: { digit: digit.select, threshold: threshold.input } };
});
