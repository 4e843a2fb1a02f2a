// The map of funded proposals on the results page, drawn only when a tile server is set (MAP_TILE_URL).
// Without this script the list of places under it is the map.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.L) return;
  for (const box of document.querySelectorAll("[data-results-map]")) {
    const points = JSON.parse(box.dataset.resultsMap || "[]");
    if (!points.length) continue;
    const holder = document.createElement("div");
    holder.className = "location-map";
    holder.setAttribute("aria-label", box.dataset.resultsLabel || "Map");
    box.append(holder);
    const map = window.L.map(holder);
    window.L.tileLayer(box.dataset.resultsTiles, { attribution: box.dataset.resultsAttribution, maxZoom: 19 }).addTo(map);
    const bounds = [];
    for (const point of points) {
      const link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.title;
      window.L.marker([point.latitude, point.longitude]).addTo(map).bindPopup(link);
      bounds.push([point.latitude, point.longitude]);
    }
    map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
  }
});
