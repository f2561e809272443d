package io.calbridge.host.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomFieldsTest {
    @Test
    void bookingsFlatShape_answersAndTracking() {
        CustomFields f = CustomFields.parse("""
                {"Company size":"11-50","What brings you here?":"Pricing","utm_source":"ads","utm_term":null,"salesforce_uuid":"sf-1"}""");

        assertEquals(List.of(Map.entry("Company size", "11-50"), Map.entry("What brings you here?", "Pricing")), f.answers());
        assertEquals(Map.of("utm_source", "ads", "salesforce_uuid", "sf-1"), f.utm());
        assertTrue(f.other().isEmpty());
    }

    @Test
    void calendlysOwnShapes_nestedOrNot() {
        CustomFields f = CustomFields.parse("""
                {"calendly":{"questions_and_answers":[{"answer":"Yes","position":0,"question":"Ready? "}],"tracking":{"utm_campaign":"x","utm_medium":null}},
                 "answers":{"Budget":"high"},"crm":{"score":3}}""");

        assertEquals(List.of(Map.entry("Ready?", "Yes"), Map.entry("Budget", "high")), f.answers());
        assertEquals(Map.of("utm_campaign", "x"), f.utm());
        assertEquals(Map.of("crm", "{\"score\":3}"), f.other());
    }

    @Test
    void emptyOrBrokenJson_isShownNotLost() {
        assertTrue(CustomFields.parse("{}").isEmpty());
        assertTrue(CustomFields.parse(null).isEmpty());
        assertEquals(Map.of("custom_fields", "{oops"), CustomFields.parse("{oops").other());
    }
}
