// The bounds of the coarsening cell a coarsened point stands for. Mirrors dev.telemask.privacy.GeoGrid: latitude
// cut into equal bands, each band into as many equal cells as fit its centre latitude's circumference, the
// stored point being the cell's centre. Drawing the whole cell shows the reader how little the point says.

const EARTH_RADIUS_METRES = 6371008.8;
const METRES_PER_DEGREE = EARTH_RADIUS_METRES * Math.PI / 180;

/** [[south, west], [north, east]] of the cell of `gridMetres` holding (latitude, longitude). */
export function cellBounds(gridMetres, latitude, longitude) {
  const bandCount = Math.max(1, Math.round(180 * METRES_PER_DEGREE / gridMetres));
  const bandDegrees = 180 / bandCount;
  const band = Math.min(Math.max(Math.floor((latitude + 90) / bandDegrees), 0), bandCount - 1);
  const centreLatitude = -90 + (band + 0.5) * bandDegrees;
  const circumference = 360 * METRES_PER_DEGREE * Math.cos(centreLatitude * Math.PI / 180);
  const cells = Math.max(1, Math.round(circumference / gridMetres));
  const width = 360 / cells;
  const cell = ((Math.floor((longitude + 180) / width) % cells) + cells) % cells;
  const south = -90 + band * bandDegrees;
  const west = -180 + cell * width;
  return [[south, west], [south + bandDegrees, west + width]];
}
