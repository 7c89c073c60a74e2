package dev.tollgate.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors in the console are pages with a sentence, never a stack trace or an exception's
 * message (which may carry internals): refused (403), input a person can correct (400),
 * and anything else (500, logged with its cause).
 */
@Controller
@ControllerAdvice(assignableTypes = { ApprovalsPage.class, AuditPage.class, JobsPage.class, PolicyPage.class })
class ConsoleErrors {

	private static final Log log = LogFactory.getLog(ConsoleErrors.class);

	/** Where the security rules forward a refused request. */
	@RequestMapping("/console/error")
	String error(HttpServletRequest request, HttpServletResponse response, Model model) {
		if (request.getParameter("denied") != null) {
			response.setStatus(HttpStatus.FORBIDDEN.value());
			return page(model, HttpStatus.FORBIDDEN,
					"Your sign-in does not allow this, or the form had expired. Go back, reload the page and try again.");
		}
		response.setStatus(HttpStatus.NOT_FOUND.value());
		return page(model, HttpStatus.NOT_FOUND, "There is no such page in the console.");
	}

	@ExceptionHandler(ConsolePage.BadInput.class)
	String badInput(ConsolePage.BadInput ex, HttpServletResponse response, Model model) {
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		return page(model, HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler({ MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class })
	String badParameter(Exception ex, HttpServletResponse response, Model model) {
		String name = (ex instanceof MethodArgumentTypeMismatchException mismatch) ? mismatch.getName()
				: ((MissingServletRequestParameterException) ex).getParameterName();
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		return page(model, HttpStatus.BAD_REQUEST, "The value given for '" + name + "' is not one this page accepts.");
	}

	@ExceptionHandler(Exception.class)
	String unexpected(Exception ex, HttpServletResponse response, Model model) {
		log.error("Console request failed", ex);
		response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
		return page(model, HttpStatus.INTERNAL_SERVER_ERROR,
				"Something went wrong on our side; nothing was changed. Try again, and if it persists, the server log has the details.");
	}

	private static String page(Model model, HttpStatus status, String sentence) {
		model.addAttribute("status", status.value());
		model.addAttribute("sentence", sentence);
		return "console/error";
	}

}
