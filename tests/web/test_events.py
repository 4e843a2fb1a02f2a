from participate.core.events import SUBSCRIBERS, publish, subscribe


def test_subscribers_receive_what_was_published_once_each():
    seen = []

    @subscribe("test.happened")
    def remember(**data):
        seen.append(data)

    subscribe("test.happened")(remember)
    publish("test.happened", what="a proposal", actor=None)
    publish("test.nobody_listens", what="ignored")
    assert seen == [{"what": "a proposal", "actor": None}]
    SUBSCRIBERS.pop("test.happened")
