package dev.telemask.privacy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScratchDiscEval {
    @Test
    void eval() {
        int[][] sets = {{300, 350, 400}, {300, 450}, {300, 450, 650}, {300, 450, 650, 900, 1300}};
        for (int[] radii : sets) {
            Random random = new Random(3);
            double[] misses = new double[200];
            for (int h = 0; h < 200; h++) {
                double lat = 40 + random.nextDouble() * 20;
                double lon = random.nextDouble() * 20;
                byte[] key = ("k" + h).getBytes(StandardCharsets.UTF_8);
                HiddenDisc[] discs = new HiddenDisc[radii.length];
                for (int i = 0; i < radii.length; i++) {
                    discs[i] = HiddenDisc.of(new PrivacyZone("z", lat, lon, radii[i]), key);
                }
                double k = GeoGrid.METRES_PER_DEGREE;
                double cos = Math.cos(Math.toRadians(lat));
                double sy = 0, sx = 0, ay = 0, ax = 0; int n = 0, an = 0;
                for (int dy = -300; dy <= 300; dy++) {
                    for (int dx = -300; dx <= 300; dx++) {
                        double plat = lat + dy * 40 / k, plon = lon + dx * 40 / (k * cos);
                        boolean in = true, ring = true;
                        for (int i = 0; i < discs.length; i++) {
                            if (!discs[i].contains(Drive.e7(plat), Drive.e7(plon))) { in = false; }
                            int c = HiddenDisc.radiusClass(radii[i]);
                            double d = Haversine.metres(plat, plon, discs[i].centreLatitude(), discs[i].centreLongitude());
                            if (d < 3 * c || d > 5.5 * c) { ring = false; }
                        }
                        if (in) { sy += plat; sx += plon; n++; }
                        if (ring) { ay += plat; ax += plon; an++; }
                    }
                }
                misses[h] = Math.min(Haversine.metres(sy / n, sx / n, lat, lon), Haversine.metres(ay / an, ax / an, lat, lon)) / radii[0];
            }
            Arrays.sort(misses);
            int within = 0;
            for (double m : misses) if (m < 1) within++;
            System.out.printf("radii %s: within r %d/200, min %.2f p10 %.2f median %.2f%n",
                    Arrays.toString(radii), within, misses[0], misses[20], misses[100]);
        }
    }
}
