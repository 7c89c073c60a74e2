package dev.tollgate.devmode;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * At the end of a dev-mode start: where Tollgate is and how to try it. The admin token
 * and webhook secret are printed only while they are the demo values of
 * {@code application-dev.yml}; a secret someone set is never logged.
 */
@Component
@Profile("dev")
class DevModeBanner {

	private static final String DEMO_TOKEN = "dev-admin";

	private static final String DEMO_SECRET = "dev-webhook-secret";

	private static final Log log = LogFactory.getLog(DevModeBanner.class);

	private final Environment environment;

	private final DemoApprovers approvers;

	DevModeBanner(Environment environment, DemoApprovers approvers) {
		this.environment = environment;
		this.approvers = approvers;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		String base = "http://localhost:" + this.environment.getProperty("local.server.port", "8080");
		boolean demoToken = DEMO_TOKEN.equals(this.environment.getProperty("tollgate.admin.bootstrap-token"));
		boolean demoSecret = DEMO_SECRET.equals(this.environment.getProperty("tollgate.jira.webhook-secrets"));
		StringBuilder text = new StringBuilder("\n\n  Tollgate is ready (dev mode: demo data, not for production)\n\n");
		text.append("  Service     ").append(base).append('\n');
		if (new ClassPathResource("templates/console/approvals.html").exists()) {
			text.append("  Console     ").append(base).append("/console   (sign in with the admin token)\n");
			if (demoToken) {
				this.approvers.issue()
					.forEach((account, token) -> text.append("  Approver    ")
						.append(token)
						.append("   (votes as ")
						.append(account)
						.append(", demo value, new at each start)\n"));
			}
		}
		text.append("  API docs    ").append(base).append("/swagger-ui.html\n");
		text.append("  Admin token ")
			.append(demoToken ? DEMO_TOKEN + "   (demo value)" : "(as you configured it)")
			.append('\n');
		text.append("  Webhook     ")
			.append(base)
			.append("/webhooks/jira, secret ")
			.append(demoSecret ? DEMO_SECRET + "   (demo value)" : "(as you configured it)")
			.append("\n\n");
		text.append("  Try it:     scripts/demo-webhook.sh ").append(base).append('\n');
		log.info(text);
	}

}
