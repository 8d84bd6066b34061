package dev.lanyard.admin.dashboard;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.AdminConsoleWebMvcTest;
import dev.lanyard.admin.dashboard.DashboardController.Bar;
import dev.lanyard.admin.dashboard.DashboardController.Chart;
import dev.lanyard.admin.dashboard.DashboardController.Legend;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

/**
 * {@link DashboardController}: the counts, the tokens chart drawn on the server, and the
 * latest events.
 */
@AdminConsoleWebMvcTest
class DashboardControllerTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryDashboardStatistics statistics;

	@Test
	void dashboardWhenOpenedThenCountsChartAndLatestEvents() throws Exception {
		this.statistics.issued("client_credentials", 10, 2, 59, 4);
		this.mvc.perform(get("/admin"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/dashboard"))
			.andExpect(model().attributeExists("counts", "chart", "events"))
			.andExpect(content().string(containsString("<span class=\"number\" id=\"count-clients\">3</span>")))
			.andExpect(content().string(containsString("<span class=\"number\" id=\"count-users\">7</span>")))
			.andExpect(content().string(containsString("<span class=\"number\" id=\"count-sessions\">5</span>")))
			.andExpect(content().string(containsString("viewBox=\"0 0 600 160\"")))
			.andExpect(content().string(
					containsString("<rect x=\"591.0\" y=\"10.0\" width=\"8.0\" height=\"150.0\" fill=\"#3b5bdb\">")))
			.andExpect(content().string(containsString("<title>client_credentials: 4</title>")))
			.andExpect(content().string(containsString("<code>client_credentials</code> <strong>6</strong>")))
			.andExpect(content().string(containsString("peak 4 per minute")))
			.andExpect(content().string(containsString("<td>login.succeeded</td>")))
			.andExpect(content().string(containsString("<td>2026-03-02 12:34:56 UTC</td>")))
			// No script and no inline style: the console's content security policy allows
			// neither.
			.andExpect(content().string(not(containsString("<script"))))
			.andExpect(content().string(not(containsString("style=\""))));
		assertThat(this.statistics.eventLimits()).containsExactly(10);
	}

	@Test
	void dashboardWhenTrailingSlashThenSamePage() throws Exception {
		this.mvc.perform(get("/admin/")).andExpect(status().isOk()).andExpect(view().name("admin/dashboard"));
	}

	@Test
	void dashboardWhenNoTokensIssuedThenSaysSoAndDrawsNoBars() throws Exception {
		this.mvc.perform(get("/admin"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("No tokens issued in the last hour.")))
			.andExpect(content().string(not(containsString("<rect"))));
	}

	@Test
	void dashboardWhenChineseThenChineseMessages() throws Exception {
		this.mvc.perform(get("/admin").header("Accept-Language", "zh-CN,zh;q=0.9"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<html lang=\"zh-CN\">")))
			.andExpect(content().string(containsString("<h1>概览</h1>")))
			.andExpect(content().string(not(containsString("Dashboard"))))
			.andExpect(content().string(not(containsString("??"))));
	}

	/**
	 * Bars of one minute stack, scaled so that the busiest minute nearly fills the chart.
	 */
	@Test
	void chartWhenTwoGrantsInOneMinuteThenStackedAndScaledToThePeak() {
		Map<String, List<Long>> issued = new LinkedHashMap<>();
		issued.put("authorization_code", minutes(0, 1, 59, 3));
		issued.put("refresh_token", minutes(59, 1));
		Chart chart = DashboardController.chart(issued);
		assertThat(chart.peak()).isEqualTo(4);
		assertThat(chart.legend()).containsExactly(new Legend("authorization_code", "#3b5bdb", 4),
				new Legend("refresh_token", "#2b8a3e", 1));
		assertThat(chart.bars()).hasSize(3);
		Bar first = chart.bars().get(0);
		assertThat(first.x()).isEqualTo(1.0);
		assertThat(first.width()).isEqualTo(8.0);
		assertThat(first.height()).isEqualTo(37.5);
		assertThat(first.y()).isEqualTo(122.5);
		Bar lower = chart.bars().get(1);
		Bar upper = chart.bars().get(2);
		assertThat(lower.x()).isEqualTo(591.0);
		assertThat(lower.height()).isEqualTo(112.5);
		assertThat(lower.y()).isEqualTo(47.5);
		assertThat(upper.title()).isEqualTo("refresh_token: 1");
		assertThat(upper.y() + upper.height()).isEqualTo(lower.y());
		assertThat(upper.y()).isEqualTo(10.0);
	}

	@Test
	void chartWhenNothingIssuedThenNoBarsAndPeakOne() {
		Chart chart = DashboardController.chart(Map.of("client_credentials", minutes()));
		assertThat(chart.bars()).isEmpty();
		assertThat(chart.peak()).isEqualTo(1);
		assertThat(chart.legend()).containsExactly(new Legend("client_credentials", "#3b5bdb", 0));
	}

	/** Sixty counts, zero but for the given (minute, count) pairs. */
	private static List<Long> minutes(long... minuteCounts) {
		Long[] counts = new Long[60];
		Arrays.fill(counts, 0L);
		for (int i = 0; i < minuteCounts.length; i += 2) {
			counts[(int) minuteCounts[i]] = minuteCounts[i + 1];
		}
		return List.of(counts);
	}

}
