package io.ingestline.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A small PNG line chart drawn with Java2D: one panel per series, shared time axis in seconds. */
final class Chart {
    record Series(String title, String unit, double[] values) {
    }

    private Chart() {
    }

    static void write(Path file, String title, List<Series> panels) throws IOException {
        int width = 900;
        int panelHeight = 220;
        int top = 40;
        BufferedImage img = new BufferedImage(width, top + panelHeight * panels.size() + 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 20, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int p = 0; p < panels.size(); p++) {
            Series s = panels.get(p);
            int x0 = 70;
            int y0 = top + p * panelHeight + 20;
            int w = width - x0 - 20;
            int h = panelHeight - 50;
            double max = 0;
            for (double v : s.values()) {
                max = Math.max(max, v);
            }
            max = max <= 0 ? 1 : max * 1.1;
            g.setColor(new Color(235, 235, 235));
            for (int i = 0; i <= 4; i++) {
                int y = y0 + h - h * i / 4;
                g.drawLine(x0, y, x0 + w, y);
            }
            g.setColor(Color.BLACK);
            g.drawRect(x0, y0, w, h);
            g.drawString(s.title() + " (" + s.unit() + ")", x0, y0 - 5);
            for (int i = 0; i <= 4; i++) {
                int y = y0 + h - h * i / 4;
                g.drawString(String.format(Locale.ROOT, "%,.0f", max * i / 4), 5, y + 4);
            }
            int n = s.values().length;
            g.drawString("0 s", x0, y0 + h + 15);
            g.drawString(n + " s", x0 + w - 25, y0 + h + 15);
            g.setColor(new Color(30, 90, 200));
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < n; i++) {
                int xa = x0 + w * (i - 1) / Math.max(1, n - 1);
                int xb = x0 + w * i / Math.max(1, n - 1);
                int ya = y0 + h - (int) (h * s.values()[i - 1] / max);
                int yb = y0 + h - (int) (h * s.values()[i] / max);
                g.drawLine(xa, ya, xb, yb);
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
