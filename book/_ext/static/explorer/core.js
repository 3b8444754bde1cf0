/* The book's explorers (book/_ext/explorer.py): what every widget shares.
 *
 * A widget script calls AEExplorer.define(kind, mount); mount(app, data) builds the widget in the
 * element `app` and returns an object the browser tests can query. A widget's data script (written
 * by the build from what its notebook glued) is loaded when the widget comes near the screen, and
 * calls AEExplorer.register(kind, data). Plain scripts, no modules: they run from file:// too.
 */
"use strict";

window.AEExplorer = (() => {
  const widgets = {};

  function define(kind, mount) {
    widgets[kind] = mount;
  }

  /* Called by a data script while it runs: mount the widgets that asked for it. */
  function register(kind, data) {
    const script = document.currentScript;
    for (const element of (script && script.aeExplorers) || []) {
      const app = element.querySelector(".ae-explorer-app");
      try {
        app.replaceChildren();
        element.explorerData = data;
        element.explorer = widgets[kind](app, data);
      } catch (error) {
        app.textContent = "This explorer failed to start.";
        console.error(`explorer ${kind}: ${error.stack || error}`);
      }
    }
  }

  function load(src, elements) {
    const script = document.createElement("script");
    script.src = src;
    script.aeExplorers = elements;
    script.onerror = () => {
      for (const element of elements) {
        element.querySelector(".ae-explorer-app").textContent = "The explorer's data did not load.";
      }
      console.error(`explorer: could not load ${src}`);
    };
    document.head.append(script);
  }

  /* Show each widget; load each data script once, when the first widget that needs it comes
     within 600 px of the screen. */
  function start() {
    const bySource = new Map();
    for (const element of document.querySelectorAll(".ae-explorer[data-src]")) {
      const src = element.getAttribute("data-src");
      const megabytes = (Number(element.getAttribute("data-bytes")) / 1e6).toFixed(1);
      element.querySelector(".ae-explorer-app").textContent =
        `Loading the trained models (${megabytes} MB)\u2026`;
      element.hidden = false;
      bySource.set(src, [...(bySource.get(src) || []), element]);
    }
    if (!("IntersectionObserver" in window)) {
      bySource.forEach((elements, src) => load(src, elements));
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries.filter((e) => e.isIntersecting)) {
          const src = entry.target.getAttribute("data-src");
          if (!bySource.has(src)) continue;
          const elements = bySource.get(src);
          bySource.delete(src);
          elements.forEach((element) => observer.unobserve(element));
          load(src, elements);
        }
      },
      { rootMargin: "600px 0px" },
    );
    for (const elements of bySource.values()) elements.forEach((e) => observer.observe(e));
  }

  /* ---- data ---- */

  /* An array exported by aeutils.explorer.array: a Float32Array or Uint8Array with .shape. */
  function array(spec) {
    const text = atob(spec.data);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const values = spec.dtype === "float32" ? new Float32Array(bytes.buffer) : bytes;
    values.shape = spec.shape;
    return values;
  }

  /* A network exported by aeutils.explorer.network: Linear, ReLU and Sigmoid layers. */
  class Network {
    constructor(spec) {
      this.layers = spec.layers.map((layer) => {
        if (layer.kind !== "linear") return { kind: layer.kind };
        const weight = array(layer.weight);
        const [outputs, inputs] = weight.shape;
        return { kind: "linear", weight, bias: array(layer.bias), inputs, outputs };
      });
      this.inputs = this.layers.find((l) => l.kind === "linear").inputs;
    }

    /* The output for one input vector (a fresh Float32Array). */
    run(input) {
      let h = Float32Array.from(input);
      for (const layer of this.layers) {
        if (layer.kind === "linear") {
          const { weight, bias, inputs, outputs } = layer;
          const out = new Float32Array(outputs);
          for (let o = 0; o < outputs; o++) {
            let sum = bias[o];
            const row = o * inputs;
            for (let i = 0; i < inputs; i++) sum += weight[row + i] * h[i];
            out[o] = sum;
          }
          h = out;
        } else if (layer.kind === "relu") {
          for (let i = 0; i < h.length; i++) if (h[i] < 0) h[i] = 0;
        } else if (layer.kind === "sigmoid") {
          for (let i = 0; i < h.length; i++) h[i] = 1 / (1 + Math.exp(-h[i]));
        } else {
          throw new Error(`unknown layer kind ${layer.kind}`);
        }
      }
      return h;
    }
  }

  /* Row i of a 2-D typed array (a view, no copy). */
  function row(values, i) {
    const width = values.shape[1];
    return values.subarray(i * width, (i + 1) * width);
  }

  /* ---- numbers ---- */

  /* Gaussian noise from a seed (mulberry32, then Box-Muller): the same seed, the same noise. */
  function gaussian(seed) {
    let state = seed >>> 0;
    const uniform = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  }

  /* Peak signal-to-noise ratio in dB of two images in [0, 1] (as aeutils.psnr). */
  function psnr(a, b) {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
    return 10 * Math.log10(1 / (sum / a.length));
  }

  const number = (value, digits = 2) =>
    Number.isFinite(value) ? value.toFixed(digits).replace("-", "\u2212") : "\u221e";

  /* ---- drawing ---- */

  /* matplotlib's tab10 colours, one per digit, as in the notebooks' scatter plots. */
  const DIGIT_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  /* A canvas of `width` x `height` CSS pixels, sharp on high-density screens. */
  function canvas(width, height, label) {
    const node = element("canvas", { role: "img", "aria-label": label });
    const scale = window.devicePixelRatio || 1;
    node.width = Math.round(width * scale);
    node.height = Math.round(height * scale);
    node.style.width = `${width}px`;
    node.style.aspectRatio = `${width} / ${height}`;
    node.getContext("2d").scale(scale, scale);
    return node;
  }

  /* A 28x28 image (values in [0, 1]) drawn white on black, as the notebooks' figures show it. */
  function digitCanvas(label) {
    const node = element("canvas", { role: "img", "aria-label": label, class: "ae-digit" });
    node.width = node.height = 28;
    return node;
  }

  function drawDigit(node, pixels) {
    const context = node.getContext("2d");
    const image = context.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const grey = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
      image.data.set([grey, grey, grey, 255], 4 * i);
    }
    context.putImageData(image, 0, 0);
  }

  /* An image with a caption and a line for numbers below it. */
  function panel(title, label) {
    const image = digitCanvas(label);
    const note = element("span", { class: "ae-note" });
    const figure = element("figure", { class: "ae-panel" }, [
      image,
      element("figcaption", {}, [element("span", { text: title }), note]),
    ]);
    return { figure, image, note };
  }

  /* <label>text <input type="range"> <output></label>, calling onInput(value) on change. */
  function slider({ label, min, max, step, value, format, onInput }) {
    const input = element("input", { type: "range", min, max, step, value: String(value) });
    const output = element("output", { "aria-hidden": "true" });
    const show = () => {
      output.textContent = format(Number(input.value));
      input.setAttribute("aria-valuetext", output.textContent);
    };
    input.addEventListener("input", () => {
      show();
      onInput(Number(input.value));
    });
    show();
    const root = element("label", { class: "ae-control" }, [
      element("span", { text: label }), input, output,
    ]);
    return { root, input, refresh: show };
  }

  /* <label>text <select></label> over `options` ([value, text] pairs). */
  function choice({ label, options, value, onChange }) {
    const select = element("select", {}, options.map(([v, text]) => {
      const option = element("option", { value: String(v), text });
      option.selected = String(v) === String(value);
      return option;
    }));
    select.addEventListener("change", () => onChange(select.value));
    const root = element("label", { class: "ae-control" }, [element("span", { text: label }), select]);
    return { root, select };
  }

  function button(text, onClick) {
    const node = element("button", { type: "button", class: "ae-button", text });
    node.addEventListener("click", onClick);
    return node;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  return {
    define, register, array, Network, row, gaussian, psnr, number, DIGIT_COLOURS,
    element, canvas, drawDigit, panel, slider, choice, button,
  };
})();
