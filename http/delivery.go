package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleWebhooks(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Deliveries.FindWebhooks(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// handleDeliveries answers the delivery log (CAL-3), newest first.
func (s *Server) handleDeliveries(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	channel, err := queryEnum(r, "channel", func(v string) bool {
		return govdata.Channel(v) == govdata.ChannelEmail || govdata.Channel(v) == govdata.ChannelWebhook
	})
	if err != nil {
		return err
	}
	state, err := queryEnum(r, "state", func(v string) bool {
		switch govdata.DeliveryState(v) {
		case govdata.DeliveryPending, govdata.DeliverySent, govdata.DeliveryFailed:
			return true
		}
		return false
	})
	if err != nil {
		return err
	}
	webhook, err := queryInt(r, "webhook_id")
	if err != nil {
		return err
	}
	list, err := s.svc.Deliveries.FindDeliveries(r.Context(), govdata.DeliveryFilter{
		Channel: govdata.Channel(channel), State: govdata.DeliveryState(state), WebhookID: webhook, Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
