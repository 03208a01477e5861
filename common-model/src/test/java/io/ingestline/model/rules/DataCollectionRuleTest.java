package io.ingestline.model.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.model.Json;
import org.junit.jupiter.api.Test;

class DataCollectionRuleTest {
    private static final String AZURE_STYLE = """
            {"properties":{
              "streamDeclarations":{"Custom-MyTableRawData":{"columns":[
                {"name":"Time","type":"datetime"},{"name":"Computer","type":"string"}]}},
              "destinations":{"logAnalytics":[{"workspaceResourceId":"/x","name":"ws"}]},
              "dataFlows":[
                {"streams":["Custom-MyTableRawData"],"destinations":["ws"],
                 "transformKql":"source | extend TimeGenerated = todatetime(Time)","outputStream":"Custom-MyTable_CL"},
                {"streams":["Custom-MyTableRawData"],"destinations":["ws"],"outputStream":"Microsoft-Syslog"}]}}
            """;

    @Test
    void reads_azure_json_fans_out_and_round_trips() throws Exception {
        DataCollectionRule r = DataCollectionRule.parse("dcr-1", Json.mapper().readTree(AZURE_STYLE));

        assertThat(r.streams().get("Custom-MyTableRawData")).extracting(DataCollectionRule.Column::name)
                .containsExactly("Time", "Computer");
        assertThat(r.outputDatasets("Custom-MyTableRawData")).containsExactly("MyTable_CL", "Syslog");
        assertThat(r.flowsOf("Custom-MyTableRawData").get(1).transformKql()).isEqualTo("source");
        assertThat(DataCollectionRule.fromJson("dcr-1", r.toJson())).isEqualTo(r);
    }

    @Test
    void keeps_the_other_properties_such_as_destinations_as_given() throws Exception {
        DataCollectionRule r = DataCollectionRule.parse("dcr-1", Json.mapper().readTree(AZURE_STYLE));
        var stored = Json.mapper().readTree(r.withVersion(7).toJson());
        assertThat(stored.path("properties").path("destinations"))
                .isEqualTo(Json.mapper().readTree("{\"logAnalytics\":[{\"workspaceResourceId\":\"/x\",\"name\":\"ws\"}]}"));
        assertThat(stored.path("properties").has("streamDeclarations")).isTrue();
        r.otherProperties().put("destinations", "changed");
        assertThat(r.otherProperties().path("destinations").isObject()).isTrue();
    }

    @Test
    void names_every_problem() throws Exception {
        String bad = """
                {"streamDeclarations":{"Raw":{"columns":[{"name":"1x","type":"string"},{"name":"id","type":"text"}]}},
                 "dataFlows":[{"streams":["Custom-Missing"],"outputStream":"Custom-T_CL"}]}
                """;
        assertThatThrownBy(() -> DataCollectionRule.parse("dcr 1", Json.mapper().readTree(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("immutableId")
                .hasMessageContaining("stream Raw: the name must be Custom-")
                .hasMessageContaining("column 1x")
                .hasMessageContaining("column id: the name is reserved")
                .hasMessageContaining("type must be one of")
                .hasMessageContaining("undeclared stream Custom-Missing");
    }
}
