package dev.tollgate.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Draws the shipped Grafana dashboard ({@code helm/tollgate/dashboards/tollgate.json}) as
 * an SVG wireframe for the docs: each panel where Grafana places it (its 24-column
 * {@code gridPos}), with its title, its type and the query it plots. No Grafana is
 * needed, and the picture follows the JSON: {@link DocsTests} fails when the committed
 * picture no longer matches it.
 */
final class DashboardPicture {

	static final Path DASHBOARD = Path.of("helm", "tollgate", "dashboards", "tollgate.json");

	static final Path PICTURE = Path.of("docs", "images", "dashboard.svg");

	private static final int COLUMN = 40;

	private static final int ROW = 24;

	private DashboardPicture() {
	}

	static String render() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		int height = 0;
		for (JsonNode panel : dashboard.path("panels")) {
			JsonNode grid = panel.path("gridPos");
			height = Math.max(height, (grid.path("y").asInt() + grid.path("h").asInt()) * ROW);
		}
		int width = 24 * COLUMN;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n",
				width, height + 40, width, height + 40));
		svg.append("<title>Grafana dashboard: ")
			.append(escape(dashboard.path("title").asString()))
			.append("</title>\n");
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#181b1f\"/>%n", width,
				height + 40));
		svg.append("<text x=\"8\" y=\"26\" font-size=\"18\" fill=\"#d8d9da\">")
			.append(escape(dashboard.path("title").asString()))
			.append(" (drawn from helm/tollgate/dashboards/tollgate.json)</text>\n");
		for (JsonNode panel : dashboard.path("panels")) {
			JsonNode grid = panel.path("gridPos");
			int x = grid.path("x").asInt() * COLUMN;
			int y = grid.path("y").asInt() * ROW + 40;
			int w = grid.path("w").asInt() * COLUMN;
			int h = grid.path("h").asInt() * ROW;
			String title = escape(panel.path("title").asString());
			if ("row".equals(panel.path("type").asString())) {
				svg.append(String.format(Locale.ROOT,
						"<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\" fill=\"#d8d9da\">%s</text>%n",
						x + 8, y + 17, title));
				continue;
			}
			svg.append(String.format(Locale.ROOT,
					"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"#22252b\" stroke=\"#3d434c\"/>%n",
					x + 4, y + 4, w - 8, h - 8));
			svg.append(String.format(Locale.ROOT,
					"<text x=\"%d\" y=\"%d\" font-size=\"14\" fill=\"#d8d9da\">%s</text>%n", x + 14, y + 24, title));
			svg.append(
					String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#8e8e8e\">%s</text>%n",
							x + 14, y + 42, escape(panel.path("type").asString())));
			int line = 0;
			for (JsonNode target : panel.path("targets")) {
				String expr = target.path("expr").asString();
				int room = Math.max(10, (w - 28) / 7);
				String shown = (expr.length() > room) ? expr.substring(0, room - 1) + "…" : expr;
				svg.append(String.format(Locale.ROOT,
						"<text x=\"%d\" y=\"%d\" font-size=\"11\" font-family=\"monospace\" fill=\"#73bf69\">%s</text>%n",
						x + 14, y + 62 + 16 * line, escape(shown)));
				if (++line == 3) {
					break;
				}
			}
		}
		return svg.append("</svg>\n").toString();
	}

	static void write() throws IOException {
		Files.createDirectories(PICTURE.getParent());
		Files.writeString(PICTURE, render());
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

}
