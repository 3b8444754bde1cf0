/* Latent map: the test set's 2-D codes under each model, coloured by digit; the pointer, a finger
 * or the arrow keys pick a point of the plane, and the model's decoder draws it at once.
 * Data: aeutils.explorer.export("latent-map", labels=..., maps=[{title, codes, extent, decoder}],
 * prior_radius=...) in chapter 7's notebook. */
"use strict";

AEExplorer.define("latent-map", (app, data) => {
  const X = AEExplorer;
  const SIZE = 260; // CSS pixels of a map
  const labels = X.array(data.labels);
  const maps = data.maps.map((spec) => {
    const codes = X.array(spec.codes);
    const decoder = new X.Network(spec.decoder);
    const [x0, x1, y0, y1] = spec.extent;
    const toScreen = (x, y) => [((x - x0) / (x1 - x0)) * SIZE, ((y1 - y) / (y1 - y0)) * SIZE];
    const toCode = (u, v) => [x0 + (u / SIZE) * (x1 - x0), y1 - (v / SIZE) * (y1 - y0)];
    const map = X.canvas(SIZE, SIZE, `${spec.title}: the test digits' codes, coloured by digit`);
    map.tabIndex = 0;
    map.classList.add("ae-map");
    map.style.width = ""; // CSS: SIZE, or narrower where the page is
    map.setAttribute("role", "application");
    map.setAttribute("aria-roledescription", "code plane");
    map.setAttribute(
      "aria-label",
      `${spec.title}: code plane. Move the pointer over it, or use the arrow keys, to decode a point.`,
    );
    const out = X.panel("decoded", `${spec.title}: the image decoded from the chosen code`);
    const readout = X.element("p", { class: "ae-readout", "aria-live": "polite" });

    // The scatter of the codes, drawn once; each move redraws it with a marker on top.
    const scatter = document.createElement("canvas");
    scatter.width = map.width;
    scatter.height = map.height;
    const context = scatter.getContext("2d");
    context.scale(map.width / SIZE, map.height / SIZE);
    context.fillStyle = "#fff";
    context.fillRect(0, 0, SIZE, SIZE);
    context.globalAlpha = 0.5;
    for (let i = 0; i < labels.length; i++) {
      const [u, v] = toScreen(codes[2 * i], codes[2 * i + 1]);
      context.fillStyle = X.DIGIT_COLOURS[labels[i]];
      context.fillRect(u - 0.75, v - 0.75, 1.5, 1.5);
    }
    context.globalAlpha = 1;
    const [cx, cy] = toScreen(0, 0);
    const [rx] = toScreen(data.prior_radius, 0);
    const [, ry] = toScreen(0, data.prior_radius);
    context.setLineDash([4, 3]);
    context.strokeStyle = "#000";
    context.beginPath();
    context.ellipse(cx, cy, Math.abs(rx - cx), Math.abs(cy - ry), 0, 0, 2 * Math.PI);
    context.stroke();

    const state = { code: [(x0 + x1) / 2, (y0 + y1) / 2] };
    const show = (code) => {
      state.code = code;
      const g = map.getContext("2d");
      g.drawImage(scatter, 0, 0, SIZE, SIZE);
      const [u, v] = toScreen(...code);
      g.lineWidth = 2;
      g.strokeStyle = "#000";
      g.beginPath();
      g.arc(u, v, 6, 0, 2 * Math.PI);
      g.moveTo(u - 10, v);
      g.lineTo(u + 10, v);
      g.moveTo(u, v - 10);
      g.lineTo(u, v + 10);
      g.stroke();
      X.drawDigit(out.image, decoder.run(code));
      readout.textContent = `z = (${X.number(code[0])}, ${X.number(code[1])})`;
    };
    const pointAt = (event) => {
      const box = map.getBoundingClientRect();
      const u = ((event.clientX - box.left) / box.width) * SIZE;
      const v = ((event.clientY - box.top) / box.height) * SIZE;
      show(toCode(Math.min(SIZE, Math.max(0, u)), Math.min(SIZE, Math.max(0, v))));
    };
    map.addEventListener("pointermove", pointAt);
    map.addEventListener("pointerdown", (event) => {
      map.setPointerCapture(event.pointerId); // a finger keeps control while it drags
      pointAt(event);
    });
    const STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    map.addEventListener("keydown", (event) => {
      const step = STEPS[event.key];
      if (!step) return;
      event.preventDefault();
      const fraction = event.shiftKey ? 0.1 : 0.025;
      const x = Math.min(x1, Math.max(x0, state.code[0] + step[0] * fraction * (x1 - x0)));
      const y = Math.min(y1, Math.max(y0, state.code[1] + step[1] * fraction * (y1 - y0)));
      show([x, y]);
    });
    show(state.code);
    app.append(
      X.element("div", { class: "ae-map-block" }, [
        X.element("h4", { class: "ae-map-title", text: spec.title }),
        map,
        X.element("div", { class: "ae-row ae-map-row" }, [out.figure, readout]),
      ]),
    );
    return { decoder, show, state, map, image: out.image };
  });
  const legend = X.element(
    "p", { class: "ae-legend" },
    X.DIGIT_COLOURS.map((colour, digit) =>
      X.element("span", {}, [
        X.element("i", { style: `background:${colour}`, "aria-hidden": "true" }), ` ${digit}`,
      ])),
  );
  legend.append(" \u00b7 dashed: the circle holding 95% of draws from N(0, I)");
  app.append(legend);
  return { maps, decode: (i, code) => maps[i].decoder.run(code) };
});
