package dev.tollgate.console;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.support.JiraStub;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * A Jira that knows nobody's groups or project roles and reports every issue in the gated
 * status. The test database is shared, so bindings by group or project role that other
 * test classes leave behind make every evaluation ask Jira; this one answers.
 */
final class ConsoleJira {

	private ConsoleJira() {
	}

	static WireMockServer start(String gatedStatus) {
		WireMockServer jira = JiraStub.start();
		JiraStub.acceptComments(jira);
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).willReturn(okJson("[]")));
		jira.stubFor(get(urlPathMatching("/rest/api/3/project/[^/]+/role")).willReturn(okJson("{}")));
		jira.stubFor(get(urlPathMatching("/rest/api/3/issue/[^/]+"))
			.willReturn(okJson(JiraStub.issueInStatus(gatedStatus))));
		return jira;
	}

}
