package dev.lanechat.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** PNG charts drawn with Java2D (headless, no browser, no extra dependency). */
final class Charts {
    private static final Color[] PALETTE = {
        new Color(0x2b6cb0),
        new Color(0xdd6b20),
        new Color(0x38a169),
        new Color(0x805ad5),
        new Color(0xe53e3e),
        new Color(0x718096)
    };
    private static final int W = 900, H = 480, LEFT = 90, RIGHT = 200, TOP = 50, BOTTOM = 90;

    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Grouped bars: one group per category, one bar per series. NaN values are skipped. */
    static void bars(
            Path png,
            String title,
            String unit,
            List<String> categories,
            List<String> series,
            double[][] values,
            boolean log)
            throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame(img, title);
        double max = 0, min = Double.MAX_VALUE;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isNaN(v) && v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (max == 0) {
            max = 1;
            min = 1;
        }
        Scale y = new Scale(log, log ? Math.pow(10, Math.floor(Math.log10(min))) : 0, niceMax(max, log));
        axis(g, y, unit);
        int plotW = W - LEFT - RIGHT;
        int groups = categories.size();
        int groupW = plotW / Math.max(1, groups);
        int barW = Math.max(4, (groupW - 20) / Math.max(1, series.size()));
        for (int c = 0; c < groups; c++) {
            int x0 = LEFT + c * groupW + 10;
            for (int s = 0; s < series.size(); s++) {
                double v = values[c][s];
                if (Double.isNaN(v)) {
                    continue;
                }
                int yv = y.px(Math.max(v, y.lo));
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x0 + s * barW, yv, barW - 2, H - BOTTOM - yv);
                g.setColor(Color.DARK_GRAY);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                g.drawString(short_(v), x0 + s * barW, yv - 3);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            String[] lines = categories.get(c).split(" · "); // "target · variant" on two lines
            for (int l = 0; l < lines.length; l++) {
                g.drawString(lines[l], x0, H - BOTTOM + 16 + 14 * l);
            }
        }
        legend(g, series);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /** Lines: x → y per series (e.g. events/s → p99 ms per target). */
    static void lines(
            Path png,
            String title,
            String xLabel,
            String unit,
            Map<String, Map<Double, Double>> series,
            boolean log,
            double threshold)
            throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame(img, title);
        double xmax = 0, ymax = 0, ymin = Double.MAX_VALUE;
        for (Map<Double, Double> s : series.values()) {
            for (Map.Entry<Double, Double> e : s.entrySet()) {
                xmax = Math.max(xmax, e.getKey());
                if (!Double.isNaN(e.getValue()) && e.getValue() > 0) {
                    ymax = Math.max(ymax, e.getValue());
                    ymin = Math.min(ymin, e.getValue());
                }
            }
        }
        ymax = Math.max(ymax, threshold);
        ymin = Math.min(ymin, threshold);
        Scale y = new Scale(
                log, log ? Math.pow(10, Math.floor(Math.log10(Math.max(1e-3, ymin)))) : 0, niceMax(ymax, log));
        Scale x = new Scale(true, 0.1, niceMax(xmax, true));
        axis(g, y, unit);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double v = x.lo; v <= x.hi * 1.0001; v *= 10) {
            int px = xpx(x, v);
            g.setColor(Color.BLACK);
            g.drawString(short_(v), px - 8, H - BOTTOM + 16);
        }
        g.drawString(xLabel, LEFT + (W - LEFT - RIGHT) / 2 - 40, H - BOTTOM + 40);
        if (threshold > 0) {
            g.setColor(Color.RED);
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
            g.drawLine(LEFT, y.px(threshold), W - RIGHT, y.px(threshold));
            g.drawString(short_(threshold) + " " + unit, W - RIGHT + 4, y.px(threshold) + 4);
        }
        int i = 0;
        for (Map.Entry<String, Map<Double, Double>> s : series.entrySet()) {
            g.setColor(PALETTE[i++ % PALETTE.length]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1, py = -1;
            for (Map.Entry<Double, Double> e : s.getValue().entrySet()) {
                if (Double.isNaN(e.getValue())) {
                    continue;
                }
                int cx = xpx(x, e.getKey()), cy = y.px(Math.max(e.getValue(), y.lo));
                g.fillOval(cx - 4, cy - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, cx, cy);
                }
                px = cx;
                py = cy;
            }
        }
        legend(g, new ArrayList<>(series.keySet()));
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static int xpx(Scale x, double v) {
        double f = (Math.log10(Math.max(v, x.lo)) - Math.log10(x.lo)) / (Math.log10(x.hi) - Math.log10(x.lo));
        return LEFT + (int) (f * (W - LEFT - RIGHT));
    }

    private static Graphics2D frame(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 28);
        return g;
    }

    private static void axis(Graphics2D g, Scale y, String unit) {
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        List<Double> ticks = new ArrayList<>();
        if (y.log) {
            for (double v = y.lo; v <= y.hi * 1.0001; v *= 10) {
                ticks.add(v);
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                ticks.add(y.lo + (y.hi - y.lo) * i / 5);
            }
        }
        for (double v : ticks) {
            int py = y.px(v);
            g.setColor(new Color(0xe2e8f0));
            g.drawLine(LEFT + 1, py, W - RIGHT, py);
            g.setColor(Color.BLACK);
            g.drawString(short_(v), LEFT - 50, py + 4);
        }
        g.drawString(unit + (y.log ? " (log)" : ""), 8, TOP - 10);
    }

    private static void legend(Graphics2D g, List<String> series) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < series.size(); s++) {
            g.setColor(PALETTE[s % PALETTE.length]);
            g.fillRect(W - RIGHT + 15, TOP + s * 20, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s), W - RIGHT + 32, TOP + s * 20 + 11);
        }
    }

    private static double niceMax(double max, boolean log) {
        if (log) {
            return Math.pow(10, Math.ceil(Math.log10(Math.max(max, 1e-3))));
        }
        double p = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= max) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String short_(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static final class Scale {
        final boolean log;
        final double lo, hi;

        Scale(boolean log, double lo, double hi) {
            this.log = log;
            this.lo = log ? Math.max(lo, 1e-3) : lo;
            this.hi = hi <= this.lo ? this.lo * 10 : hi;
        }

        int px(double v) {
            double f = log
                    ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
                    : (v - lo) / (hi - lo);
            return H - BOTTOM - (int) (Math.min(1, Math.max(0, f)) * (H - TOP - BOTTOM));
        }
    }
}
