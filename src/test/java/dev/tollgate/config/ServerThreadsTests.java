package dev.tollgate.config;

import java.util.concurrent.Executor;

import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests run on a bounded pool of platform threads, below Boot's default of 200, on
 * every Java version: virtual threads would take a request per accepted connection,
 * without bound (ADR 0018); and the connections themselves are bounded (ADR 0019).
 */
class ServerThreadsTests extends IntegrationTest {

	@Autowired
	private WebServerApplicationContext context;

	@Autowired
	private Environment environment;

	@Test
	void tomcatRunsAtMost64PlatformRequestThreads() {
		// Java 17 ignores the switch, so the executor below proves the bound only on 21+;
		// the switch
		// itself is checked on every version.
		assertThat(this.environment.getProperty("spring.threads.virtual.enabled", Boolean.class)).isFalse();
		TomcatWebServer server = (TomcatWebServer) this.context.getWebServer();
		Executor executor = server.getTomcat().getConnector().getProtocolHandler().getExecutor();
		assertThat(executor).isInstanceOfSatisfying(ThreadPoolExecutor.class,
				(pool) -> assertThat(pool.getMaximumPoolSize()).isEqualTo(64));
	}

	@Test
	void tomcatHoldsAtMost1024Connections() {
		// Tomcat's default of 8,192 slow clients would need ~400 MB of heap (ADR 0019).
		TomcatWebServer server = (TomcatWebServer) this.context.getWebServer();
		assertThat(server.getTomcat().getConnector().getProperty("maxConnections")).isEqualTo(1024);
	}

}
