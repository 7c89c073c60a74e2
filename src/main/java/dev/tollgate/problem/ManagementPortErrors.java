package dev.tollgate.problem;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link UnexpectedErrorFilter} for the management server that
 * {@code management.server.port} starts: a context of its own whose filters are not the
 * application's. Boot imports this class into that context from
 * {@code META-INF/spring/...ManagementContextConfiguration.imports}. Deliberately not a
 * {@code @Configuration} (component scanning would also register it in the application's
 * context), and only for a port of its own (on the same port the application's filter
 * already covers health and metrics).
 */
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
class ManagementPortErrors {

	@Bean
	FilterRegistrationBean<UnexpectedErrorFilter> managementUnexpectedErrorFilter(JsonMapper json) {
		return UnexpectedErrorFilter.registration(json);
	}

}
