/* Denoising: a slider sets the standard deviation of the Gaussian noise (clipped to [0, 1], as in
 * the notebooks) added to a chosen test digit; each model cleans the noisy digit at once, and the
 * PSNR against the clean digit is shown under every image.
 * Data: aeutils.explorer.export("denoising", models=[{title, network}], images=..., labels=...,
 * sigma=..., check=...) in chapter 9's notebook. */
"use strict";

AEExplorer.define("denoising", (app, data) => {
  const X = AEExplorer;
  const models = data.models.map((m) => ({ title: m.title, network: new X.Network(m.network) }));
  const images = X.array(data.images);
  const labels = X.array(data.labels);
  const state = { digit: 0, sigma: data.sigma, seed: 1 };

  function corrupt(clean, sigma, seed) {
    const noise = X.gaussian(seed);
    return clean.map((v) => Math.min(1, Math.max(0, v + sigma * noise())));
  }

  const clean = X.panel("clean", "the clean test digit");
  const noisy = X.panel("noisy input", "the digit with noise added");
  const outputs = models.map((m) => X.panel(m.title, `the ${m.title} model's output`));
  const update = () => {
    const x = Float32Array.from(X.row(images, state.digit), (v) => v / 255);
    const input = corrupt(x, state.sigma, state.seed);
    X.drawDigit(clean.image, x);
    X.drawDigit(noisy.image, input);
    noisy.note.textContent = `${X.number(X.psnr(x, input), 1)} dB`;
    state.psnr = models.map((model, k) => {
      const output = model.network.run(input);
      X.drawDigit(outputs[k].image, output);
      const value = X.psnr(x, output);
      outputs[k].note.textContent = `${X.number(value, 1)} dB`;
      return value;
    });
  };
  const digit = X.choice({
    label: "Digit",
    options: Array.from(labels, (d, i) => [i, `test digit ${i + 1}: a ${d}`]),
    value: 0,
    onChange: (v) => { state.digit = Number(v); update(); },
  });
  const sigma = X.slider({
    label: "noise \u03c3", min: 0, max: 1, step: 0.05, value: state.sigma,
    format: (v) => v.toFixed(2),
    onInput: (v) => { state.sigma = v; update(); },
  });
  const again = X.button("New noise", () => { state.seed += 1; update(); });
  app.append(
    X.element("div", { class: "ae-controls" }, [digit.root, sigma.root, again]),
    X.element("div", { class: "ae-row" }, [clean.figure, noisy.figure, ...outputs.map((o) => o.figure)]),
    X.element("p", { class: "ae-readout", text: "Under each image: its PSNR against the clean digit (higher is closer)." }),
  );
  update();
  return { models, state, controls: { digit: digit.select, sigma: sigma.input, again } };
});
