package dev.lanyard.admin.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console's start page: counts, tokens issued per grant over the last hour (an SVG
 * chart drawn on the server, no script), and the latest audit events.
 */
@Controller
class DashboardController {

	/** Chart geometry, in SVG user units. */
	static final int CHART_WIDTH = 600;

	static final int CHART_HEIGHT = 160;

	private static final List<String> COLOURS = List.of("#3b5bdb", "#2b8a3e", "#e67700", "#862e9c", "#c92a2a");

	private final DashboardStatistics statistics;

	DashboardController(DashboardStatistics statistics) {
		this.statistics = statistics;
	}

	@GetMapping({ "/admin", "/admin/" })
	String dashboard(Model model) {
		model.addAttribute("counts", this.statistics.counts());
		Map<String, List<Long>> issued = this.statistics.tokensIssuedLastHour();
		model.addAttribute("chart", chart(issued));
		model.addAttribute("events", this.statistics.recentEvents(10));
		return "admin/dashboard";
	}

	/** Stacked bars, one per minute, one colour per grant type. */
	static Chart chart(Map<String, List<Long>> issued) {
		List<String> grants = new ArrayList<>(issued.keySet());
		int minutes = 60;
		long peak = 1;
		for (int minute = 0; minute < minutes; minute++) {
			long total = 0;
			for (String grant : grants) {
				total += issued.get(grant).get(minute);
			}
			peak = Math.max(peak, total);
		}
		double barWidth = (double) CHART_WIDTH / minutes;
		List<Bar> bars = new ArrayList<>();
		List<Legend> legend = new ArrayList<>();
		for (int g = 0; g < grants.size(); g++) {
			String grant = grants.get(g);
			long sum = issued.get(grant).stream().mapToLong(Long::longValue).sum();
			legend.add(new Legend(grant, COLOURS.get(g % COLOURS.size()), sum));
		}
		for (int minute = 0; minute < minutes; minute++) {
			double y = CHART_HEIGHT;
			for (int g = 0; g < grants.size(); g++) {
				long count = issued.get(grants.get(g)).get(minute);
				if (count == 0) {
					continue;
				}
				double height = (double) count / peak * (CHART_HEIGHT - 10);
				y -= height;
				bars.add(new Bar(minute * barWidth + 1, y, barWidth - 2, height, COLOURS.get(g % COLOURS.size()),
						grants.get(g) + ": " + count));
			}
		}
		return new Chart(CHART_WIDTH, CHART_HEIGHT, peak, bars, legend);
	}

	/** The chart to draw. */
	record Chart(int width, int height, long peak, List<Bar> bars, List<Legend> legend) {
	}

	/** One bar segment. */
	record Bar(double x, double y, double width, double height, String colour, String title) {
	}

	/** One grant type's colour and total. */
	record Legend(String grant, String colour, long total) {
	}

}
