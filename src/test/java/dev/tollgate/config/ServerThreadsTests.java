package dev.tollgate.config;

import java.util.concurrent.Executor;

import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The request thread pool (Java 17) is bounded below Boot's default of 200 (memory under a burst). */
class ServerThreadsTests extends IntegrationTest {

	@Autowired
	private WebServerApplicationContext context;

	@Test
	void tomcatRunsAtMost64RequestThreads() {
		TomcatWebServer server = (TomcatWebServer) this.context.getWebServer();
		Executor executor = server.getTomcat().getConnector().getProtocolHandler().getExecutor();
		if (executor instanceof ThreadPoolExecutor pool) {
			assertThat(pool.getMaximumPoolSize()).isEqualTo(64);
		}
		else {
			// spring.threads.virtual.enabled replaces the pool with virtual threads, on Java 21+ only.
			assertThat(Runtime.version().feature()).as(String.valueOf(executor)).isGreaterThanOrEqualTo(21);
		}
	}

}
