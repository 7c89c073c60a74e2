package dev.tollgate.problem;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@link UnexpectedErrorFilter} on the service port;
 * {@link ManagementPortErrors} does so on the management port.
 */
@Configuration(proxyBeanMethods = false)
class UnexpectedErrorFilters {

	@Bean
	FilterRegistrationBean<UnexpectedErrorFilter> unexpectedErrorFilter(JsonMapper json) {
		return UnexpectedErrorFilter.registration(json);
	}

}
