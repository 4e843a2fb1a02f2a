// The districts' map on the proposal form (drawn on the server by participate.processes.geo): a click
// fills in the latitude and longitude (and the district clicked), and moves the marker. The fields stay
// the real input: without this script residents choose the district and type the street address.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-location-picker]")) {
    const svg = box.querySelector("svg.district-map");
    const latitude = document.getElementById(box.dataset.latitudeField || "");
    const longitude = document.getElementById(box.dataset.longitudeField || "");
    const district = document.getElementById(box.dataset.districtField || "");
    if (!svg || !latitude || !longitude) continue;
    svg.classList.add("is-picking");
    const number = (name) => parseFloat(svg.dataset[name]);
    const [west, north, scale, squeeze, padding] = ["west", "north", "scale", "squeeze", "padding"].map(number);
    let marker = svg.querySelector(".map-marker");
    svg.addEventListener("click", (event) => {
      const matrix = svg.getScreenCTM();
      if (!matrix) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      longitude.value = (west + (point.x - padding) / (squeeze * scale)).toFixed(6);
      latitude.value = (north - (point.y - padding) / scale).toFixed(6);
      const shape = event.target.closest("[data-district-id]");
      if (district && shape) district.value = shape.dataset.districtId;
      if (!marker) {
        marker = document.createElementNS("http://www.w3.org/2000/svg", "circle");
        marker.setAttribute("class", "map-marker");
        marker.setAttribute("r", "9");
        svg.append(marker);
      }
      marker.setAttribute("cx", point.x.toFixed(1));
      marker.setAttribute("cy", point.y.toFixed(1));
    });
  }
});
