package dev.tollgate.policy;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stores a small string map as a JSON object in a text column. */
@Converter
class StringMapConverter implements AttributeConverter<Map<String, String>, String> {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Override
	public String convertToDatabaseColumn(Map<String, String> map) {
		return json.writeValueAsString((map != null) ? map : Map.of());
	}

	@Override
	public Map<String, String> convertToEntityAttribute(String text) {
		return (text == null || text.isBlank()) ? new LinkedHashMap<>()
				: json.readValue(text, new TypeReference<LinkedHashMap<String, String>>() {
				});
	}

}
