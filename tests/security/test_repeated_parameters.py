"""Under /api/ a query parameter given twice is refused, naming it, rather than
one of the values being used without saying which."""

URL = "/api/v1/branches/green-lanes/people/"


def test_a_repeated_parameter_is_a_400_naming_it(api, organiser, branch):
    response = api(organiser).get(URL + "?page=1&page=9&q=a")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Give “page” once.",
        "code": "repeated_parameter",
        "parameters": ["page"],
    }


def test_two_repeated_parameters_are_both_named(api, organiser, branch):
    response = api(organiser).get(URL + "?page_size=1&q=a&page_size=2&q=b")
    assert response.status_code == 400
    assert response.json()["parameters"] == ["page_size", "q"]


def test_each_parameter_once_is_answered(api, organiser, branch):
    assert api(organiser).get(URL + "?page=1&page_size=5&q=a").status_code == 200


def test_pages_outside_the_api_are_not_affected(client_for, organiser, branch):
    response = client_for(organiser).get(f"/b/{branch.slug}/people/?q=a&q=b")
    assert response.status_code == 200
