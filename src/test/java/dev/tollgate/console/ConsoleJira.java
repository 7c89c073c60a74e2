package dev.tollgate.console;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.support.JiraStub;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * A Jira that knows nobody's groups or project roles
 * ({@link JiraStub#acceptCommentsAndKnowNobody}) and reports every issue in the gated
 * status.
 */
final class ConsoleJira {

	private ConsoleJira() {
	}

	static WireMockServer start(String gatedStatus) {
		WireMockServer jira = JiraStub.start();
		JiraStub.acceptCommentsAndKnowNobody(jira);
		jira.stubFor(get(urlPathMatching("/rest/api/3/issue/[^/]+"))
			.willReturn(okJson(JiraStub.issueInStatus(gatedStatus))));
		return jira;
	}

}
