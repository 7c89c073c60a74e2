package dev.tollgate.config;

import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts a deadline on request heads on the service port ({@link HeaderDeadlineProtocol}),
 * so that slow clients cannot hold every connection Tomcat allows. The management port,
 * when set, is a separate connector that slow clients on the service port cannot reach.
 */
@Configuration(proxyBeanMethods = false)
class SlowClientConfiguration {

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> headerDeadline(SlowClientProperties properties) {
		return (factory) -> {
			factory.setProtocol(HeaderDeadlineProtocol.class.getName());
			factory.addProtocolHandlerCustomizers((TomcatProtocolHandlerCustomizer<?>) (handler) -> {
				if (handler instanceof HeaderDeadlineProtocol protocol) {
					protocol.setHeaderTimeoutMillis(properties.headerTimeout().toMillis());
				}
			});
		};
	}

}
