window.YTD.following.part0 = [
  {
    "following" : {
      "accountId" : "783214",
      "userLink" : "https://twitter.com/intent/user?user_id=783214"
    }
  },
  {
    "following" : {
      "accountId" : "1605",
      "userLink" : "https://twitter.com/intent/user?user_id=1605"
    }
  },
  {
    "following" : {
      "userLink" : "https://twitter.com/intent/user?user_id="
    }
  }
]
