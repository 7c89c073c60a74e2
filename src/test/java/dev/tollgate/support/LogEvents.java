package dev.tollgate.support;

import java.util.List;
import java.util.function.Predicate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Every log event of every logger (Tomcat's and Spring's included, which reach Logback
 * through the JUL bridge) while open: attached to the root logger, so a test can count
 * the lines one request wrote. Events of other threads are recorded too; select yours by
 * what they carry.
 */
public final class LogEvents implements AutoCloseable {

	private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private LogEvents() {
		this.appender.setContext(this.root.getLoggerContext());
		this.appender.start();
		this.root.addAppender(this.appender);
	}

	public static LogEvents capture() {
		return new LogEvents();
	}

	/** The events at WARN or above that satisfy the predicate, in order. */
	public List<ILoggingEvent> warningsOrWorse(Predicate<ILoggingEvent> which) {
		synchronized (this.appender) {
			return this.appender.list.stream()
				.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
				.filter(which)
				.toList();
		}
	}

	/**
	 * Whether the event's exception, or one of its causes, has the text in its message.
	 */
	public static boolean carries(ILoggingEvent event, String text) {
		for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
			if (proxy.getMessage() != null && proxy.getMessage().contains(text)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void close() {
		this.root.detachAppender(this.appender);
		this.appender.stop();
	}

}
