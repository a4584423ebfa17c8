//! `GET /api/v1/openapi.json` and the offline Swagger UI.

use crate::support::TestApp;

#[tokio::test]
async fn the_openapi_document_lists_the_api() {
    let app = TestApp::new().await;
    let r = app.get("/api/v1/openapi.json", None).await;
    r.assert_status(200);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/organizations", "post"),
        ("/api/v1/organizations/{id}", "get"),
        ("/api/v1/organizations/{id}/sites", "post"),
        ("/api/v1/conflicts", "post"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/organizations"]["post"]["responses"]["400"]["content"]["application/problem+json"]
            ["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
}

#[tokio::test]
async fn swagger_ui_is_served_offline() {
    let app = TestApp::new().await;
    let page = app.get("/api/docs", None).await;
    page.assert_status(200);
    assert!(page.text().contains("/assets/swagger/swagger-ui-bundle.js"));
    assert!(!page.text().contains("https://"), "no CDN");
    for a in [
        "/assets/swagger/swagger-ui-bundle.js",
        "/assets/swagger/swagger-ui.css",
        "/assets/swagger/init.js",
    ] {
        let r = app.get(a, None).await;
        r.assert_status(200);
        assert!(r.body.len() > 100, "{a}");
    }
}

#[tokio::test]
async fn every_api_route_is_documented() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let mut missing = Vec::new();
    for route in nintei_web::route_table() {
        if route.path.starts_with("/api/") {
            let method = route.method.as_str().to_lowercase();
            if !doc["paths"][route.path][&method].is_object() {
                missing.push(route.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:?}");
    assert_eq!(
        doc["paths"]["/api/v1/accreditation/cases/{id}/decision"]["post"]["tags"][0],
        "accreditation"
    );
    assert!(
        doc["paths"]["/api/v1/public/reports"]["post"]["security"].is_null(),
        "public needs no token"
    );
}

/// A schema that says nothing: `{"type": "object"}` alone.
fn bare(schema: &serde_json::Value) -> bool {
    schema
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.get("type").is_some_and(|t| t == "object"))
}

#[tokio::test]
async fn every_answer_and_body_has_a_schema_from_a_type() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    assert!(
        doc.get("x-schema-clashes").is_none(),
        "one schema name for two types: {}",
        doc["x-schema-clashes"]
    );
    let mut untyped = Vec::new();
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in ops.as_object().into_iter().flatten() {
            let mut schemas: Vec<&serde_json::Value> = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .map(|(_, r)| &r["content"]["application/json"]["schema"])
                .collect();
            schemas.push(&op["requestBody"]["content"]["application/json"]["schema"]);
            if schemas.into_iter().any(bare) {
                untyped.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(
        untyped.is_empty(),
        "{} operations documented as a bare object: {untyped:#?}",
        untyped.len()
    );
}

#[tokio::test]
async fn the_public_searches_describe_their_query_parameters() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let names = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect()
    };
    let regs = names("/api/v1/public/registrations");
    for want in ["q", "prefecture", "method", "day", "evening", "page", "per_page"] {
        assert!(regs.iter().any(|n| n == want), "{want} in {regs:?}");
    }
    let accs = names("/api/v1/public/accreditations");
    for want in ["q", "prefecture", "service", "page", "per_page"] {
        assert!(accs.iter().any(|n| n == want), "{want} in {accs:?}");
    }
    assert!(!accs.iter().any(|n| n == "method"), "{accs:?}");
    // The staff lists that filter by status say so too.
    for path in ["/api/v1/registration/reports", "/api/v1/registration/cases"] {
        assert_eq!(names(path), vec!["status".to_owned()], "{path}");
    }
    assert_eq!(
        doc["paths"]["/api/v1/registration/reports"]["get"]["parameters"][0]["schema"]["pattern"],
        "^(new|investigating|filed)$"
    );
}
