// A map for a proposal's location, drawn only when the council names a tile server (MAP_TILE_URL).
// The latitude and longitude fields stay the real input: clicking the map fills them, typing in them
// moves the marker, and without this script (or without tiles) they work on their own.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.L) return;
  for (const box of document.querySelectorAll("[data-map-tiles]")) {
    const latitude = document.getElementById(box.dataset.latitudeField || "");
    const longitude = document.getElementById(box.dataset.longitudeField || "");
    const read = () => [parseFloat(box.dataset.latitude || latitude?.value), parseFloat(box.dataset.longitude || longitude?.value)];
    const holder = document.createElement("div");
    holder.className = "location-map";
    holder.setAttribute("aria-label", box.dataset.mapLabel || "Map");
    box.append(holder);
    const [lat, lon] = read();
    const known = Number.isFinite(lat) && Number.isFinite(lon);
    const map = window.L.map(holder).setView(known ? [lat, lon] : [59.3293, 18.0686], known ? 15 : 11);
    window.L.tileLayer(box.dataset.mapTiles, { attribution: box.dataset.mapAttribution, maxZoom: 19 }).addTo(map);
    let marker = known ? window.L.marker([lat, lon]).addTo(map) : null;
    if (!latitude || !longitude) continue; // a read-only map on the proposal's page
    const place = (point) => {
      if (marker) marker.setLatLng(point);
      else marker = window.L.marker(point).addTo(map);
    };
    map.on("click", (event) => {
      latitude.value = event.latlng.lat.toFixed(6);
      longitude.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
    });
    for (const field of [latitude, longitude]) {
      field.addEventListener("change", () => {
        const [typedLat, typedLon] = read();
        if (Number.isFinite(typedLat) && Number.isFinite(typedLon)) {
          place([typedLat, typedLon]);
          map.setView([typedLat, typedLon], 15);
        }
      });
    }
  }
});
