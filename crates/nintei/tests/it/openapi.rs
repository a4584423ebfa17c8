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
